// The platform's REST API as the pages call it: the bearer token on every request, problem details turned into one
// message saying what went wrong, and downloads saved under the file name the API gives.
import { accessToken, forgetTokens } from './auth.js';

export class ApiError extends Error {
  /** errors: a validation problem's messages by field ({ field: [message] }), empty for other refusals. */
  constructor(status, message, errors = {}) {
    super(message);
    this.status = status;
    this.errors = errors;
  }
}

/** Called when the API answers 401: the sign-in has expired or was ended elsewhere. */
let onSignedOut = () => {};
export function whenSignedOut(handler) {
  onSignedOut = handler;
}

/** A problem details body (RFC 9457) as one line: title, detail and each field's message; other text as it came. */
function problemErrors(text) {
  try {
    const errors = JSON.parse(text).errors;
    return errors && typeof errors === 'object' && !Array.isArray(errors) ? errors : {};
  } catch {
    return {};
  }
}

function problemText(text, fallback) {
  try {
    const problem = JSON.parse(text);
    const details = problem.errors ? Object.values(problem.errors).flat().join(' ') : '';
    return [problem.title, problem.detail, details].filter(Boolean).join(' — ');
  } catch {
    return text || fallback;
  }
}

export async function request(path, options = {}) {
  const headers = new Headers(options.headers);
  headers.set('Authorization', 'Bearer ' + await accessToken());
  const response = await fetch(path, { ...options, headers });
  if (response.status === 401) {
    forgetTokens();
    onSignedOut();
  }
  if (!response.ok) {
    const text = await response.text();
    throw new ApiError(response.status, problemText(text, response.statusText), problemErrors(text));
  }
  return response;
}

export async function json(path, options) {
  return (await request(path, options)).json();
}

function fileName(response, fallback) {
  const disposition = response.headers.get('Content-Disposition') || '';
  const star = /filename\*=UTF-8''([^;]+)/i.exec(disposition);
  if (star) return decodeURIComponent(star[1]);
  const plain = /filename="?([^";]+)"?/i.exec(disposition);
  return plain ? plain[1] : fallback;
}

/** Hands a blob (a file fetched, or made in the page) to the browser as a download named name. */
export function save(blob, name) {
  const link = document.createElement('a');
  link.href = URL.createObjectURL(blob);
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(link.href), 10000);
}

/** Fetches a file with the token and hands it to the browser as a download. */
export async function download(path, fallbackName) {
  const response = await request(path);
  save(await response.blob(), fileName(response, fallbackName));
}

/** A GraphQL query on the platform's /graphql; its first error, if any, is thrown with its message. */
export async function graphql(query, variables = {}) {
  const body = await json('/graphql', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ query, variables }),
  });
  if (body.errors?.length) throw new ApiError(200, body.errors.map(e => e.message).join(' '));
  return body.data;
}

/**
 * Sends a file with XMLHttpRequest, whose upload reports progress (fetch does not). Resolves with the receipt and the
 * status; rejects with an ApiError for a refusal, or an Error whose name is 'AbortError' (cancelled) or 'NetworkError'
 * (the connection dropped). upload.abort() cancels.
 */
export function upload(path, file, onProgress) {
  const xhr = new XMLHttpRequest();
  let cancelled = false;
  const done = accessToken().then(token => new Promise((resolve, reject) => {
    const fail = name => () => {
      const error = new Error(name);
      error.name = name;
      reject(error);
    };
    if (cancelled) {
      fail('AbortError')();
      return;
    }
    xhr.open('POST', path);
    xhr.setRequestHeader('Authorization', 'Bearer ' + token);
    xhr.setRequestHeader('Content-Type', file.type || 'application/octet-stream');
    xhr.responseType = 'text';
    xhr.upload.onprogress = event => {
      if (event.lengthComputable) onProgress(event.loaded, event.total);
    };
    xhr.onload = () => {
      if (xhr.status === 401) {
        forgetTokens();
        onSignedOut();
      }
      if (xhr.status >= 200 && xhr.status < 300) {
        resolve({ status: xhr.status, receipt: JSON.parse(xhr.responseText) });
        return;
      }
      reject(new ApiError(xhr.status, problemText(xhr.responseText, xhr.statusText)));
    };
    xhr.onabort = fail('AbortError');
    xhr.onerror = fail('NetworkError');
    xhr.send(file);
  }));
  return { done, abort: () => { cancelled = true; xhr.abort(); } };
}
