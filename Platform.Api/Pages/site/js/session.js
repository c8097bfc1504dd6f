// What a signed-in page does first, with the bar every page has (#language, #sign-out, #who), #signed-out with its
// #sign-in button, and #notice: the language switch, signing in and out, and who the person is (GET /api/me).
import { signedIn, signIn, signOut } from './auth.js';
import { json, whenSignedOut } from './api.js';
import { onLanguageChange, setupLanguageSwitch, t } from './i18n.js';
import { say } from './dom.js';

const $ = id => document.getElementById(id);

/** Answers the caller as /api/me gives it, or null when nobody is signed in (then #signed-out shows, content stays hidden). */
export async function startSession(content) {
  const showSignedOut = message => {
    content.hidden = true;
    $('sign-out').hidden = true;
    $('who').hidden = true;
    $('signed-out').hidden = false;
    if (message) say($('notice'), message, 'error');
  };
  setupLanguageSwitch($('language'));
  $('sign-in').addEventListener('click', () => signIn());
  $('sign-out').addEventListener('click', () => signOut());
  whenSignedOut(() => showSignedOut(t('auth.expired')));
  if (!signedIn()) {
    showSignedOut();
    return null;
  }

  const me = await json('/api/me');
  $('who').hidden = false;
  $('sign-out').hidden = false;
  const describe = () => {
    $('who').textContent = `${t('auth.as')}: ${me.name || me.clientId || ''}${me.agency ? ` (${me.agency})` : ''}`;
  };
  describe();
  onLanguageChange(describe);
  return me;
}
