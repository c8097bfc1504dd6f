// The web front's redirect URI: finishes the sign-in and returns to the page that started it.
import { completeSignIn } from './auth.js';
import { t } from './i18n.js';

try {
  location.replace(await completeSignIn());
} catch (error) {
  document.getElementById('message').textContent = t('auth.failed') + error.message;
  document.getElementById('message').dataset.kind = 'error';
  document.getElementById('back').hidden = false;
}
