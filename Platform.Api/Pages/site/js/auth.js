// A person signs in through the platform's own login page: authorization code + PKCE (S256) with the public client
// platform-web, returning to /signed-in (Auth/WebFront.cs). Tokens live in this tab's sessionStorage only, never in a
// cookie or localStorage, and go when the tab closes or the person signs out. An access token with less than a minute
// left is renewed with the refresh token first, so a page left open keeps working.
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
  keep(await tokenRequest({
    grant_type: 'authorization_code',
    code: query.get('code') || '',
    redirect_uri: redirectUri(),
    code_verifier: pending.verifier,
  }));
  return pending.returnTo || '/';
}

async function tokenRequest(form) {
  const response = await fetch('/connect/token', {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ client_id: clientId, ...form }),
  });
  const body = await response.json().catch(() => ({}));
  if (!response.ok) {
    throw new Error(body.error_description || body.error || `token endpoint answered ${response.status}`);
  }
  return body;
}

function stored() {
  return JSON.parse(sessionStorage.getItem(keys.tokens) || 'null');
}

function keep(body) {
  const before = stored();
  sessionStorage.setItem(keys.tokens, JSON.stringify({
    access: body.access_token,
    id: body.id_token ?? before?.id,
    refresh: body.refresh_token ?? before?.refresh,
    expiresAt: Date.now() + (body.expires_in ?? 3600) * 1000,
  }));
}

export function signedIn() {
  return stored() !== null;
}

// One renewal at a time: the platform rotates refresh tokens, and a second use of the same one would end the sign-in.
let renewing = null;

/** The access token, renewed first when it has under a minute left; null when signed out or the renewal is refused. */
export async function accessToken() {
  const tokens = stored();
  if (!tokens || !tokens.refresh || tokens.expiresAt - Date.now() > 60_000) return tokens?.access ?? null;
  renewing ??= tokenRequest({ grant_type: 'refresh_token', refresh_token: tokens.refresh })
    .then(keep, forgetTokens)
    .finally(() => { renewing = null; });
  await renewing;
  return stored()?.access ?? null;
}

export function forgetTokens() {
  sessionStorage.removeItem(keys.tokens);
}

/** Ends the sign-in at the platform (its tokens are revoked at once) and returns to the start page. */
export function signOut() {
  const idToken = stored()?.id;
  forgetTokens();
  const query = new URLSearchParams({ post_logout_redirect_uri: new URL('/', location.origin).href });
  if (idToken) query.set('id_token_hint', idToken);
  location.assign('/connect/logout?' + query);
}
