// The platform's GraphQL endpoint as the pages call it: one query with its variables, the person's token (api.js), and
// the errors GraphQL answers inside a 200 turned into one message.
import { ApiError, json } from './api.js';

export async function graphql(query, variables = {}) {
  const body = await json('/graphql', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ query, variables }),
  });
  if (body.errors?.length) {
    throw new ApiError(200, body.errors.map(error => error.message).join(' '));
  }
  return body.data;
}
