// A person signs in through the platform's own login page: authorization code + PKCE (S256) with the public client
// platform-web, returning to /signed-in (Auth/WebFront.cs). Tokens live in this tab's sessionStorage only, never in a
// cookie or localStorage, and go when the tab closes or the person signs out.
const clientId = 'platform-web';
const keys = { tokens: 'platform.tokens', pending: 'platform.signIn' };

function base64Url(bytes) {
  return btoa(String.fromCharCode(...new Uint8Array(bytes))).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function randomText() {
  return base64Url(crypto.getRandomValues(new Uint8Array(32)));
}

export function redirectUri() {
  return new URL('/signed-in', location.origin).href;
}

/** Sends the browser to the login page; it comes back to /signed-in and then to returnTo (this page by default). */
export async function signIn(returnTo = location.pathname + location.hash) {
  const verifier = randomText();
  const state = randomText();
  const challenge = base64Url(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier)));
  sessionStorage.setItem(keys.pending, JSON.stringify({ verifier, state, returnTo }));
  const query = new URLSearchParams({
    client_id: clientId,
    response_type: 'code',
    redirect_uri: redirectUri(),
    scope: 'openid offline_access',
    code_challenge: challenge,
    code_challenge_method: 'S256',
    state,
  });
  location.assign('/connect/authorize?' + query);
}

/** On /signed-in: exchanges the code for tokens with the verifier kept at sign-in; answers where to go next. */
export async function completeSignIn() {
  const query = new URLSearchParams(location.search);
  const pending = JSON.parse(sessionStorage.getItem(keys.pending) || 'null');
  sessionStorage.removeItem(keys.pending);
  if (query.get('error')) {
    throw new Error(query.get('error_description') || query.get('error'));
  }
  if (!pending || query.get('state') !== pending.state) {
    throw new Error('this sign-in was not started from this tab (state mismatch); start again from the page');
  }
  const response = await fetch('/connect/token', {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      client_id: clientId,
      code: query.get('code') || '',
      redirect_uri: redirectUri(),
      code_verifier: pending.verifier,
    }),
  });
  const body = await response.json().catch(() => ({}));
  if (!response.ok) {
    throw new Error(body.error_description || body.error || `token endpoint answered ${response.status}`);
  }
  sessionStorage.setItem(keys.tokens, JSON.stringify({ access: body.access_token, id: body.id_token }));
  return pending.returnTo || '/';
}

export function accessToken() {
  return JSON.parse(sessionStorage.getItem(keys.tokens) || 'null')?.access ?? null;
}

export function forgetTokens() {
  sessionStorage.removeItem(keys.tokens);
}

/** Ends the sign-in at the platform (its tokens are revoked at once) and returns to the start page. */
export function signOut() {
  const idToken = JSON.parse(sessionStorage.getItem(keys.tokens) || 'null')?.id;
  forgetTokens();
  const query = new URLSearchParams({ post_logout_redirect_uri: new URL('/', location.origin).href });
  if (idToken) query.set('id_token_hint', idToken);
  location.assign('/connect/logout?' + query);
}
