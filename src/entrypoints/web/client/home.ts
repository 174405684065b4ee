import { getSaying } from './api';
import { byId, setText, show } from './dom';
import { friendlyError } from './friendly-error';
import { renderSaying } from './home/saying-view';
import { Voting } from './home/voting';
import { SAYING_SLOW_STEPS, startSlowNotice } from './slow-notice';

/** The home page: get a saying, see where it came from and what it cost, vote once. */
const button = byId<HTMLButtonElement>('get-saying');
const status = byId('status');
const voting = new Voting();
let loading = false;

function setLoading(on: boolean): void {
  loading = on;
  button.classList.toggle('is-loading', on);
  if (on) button.setAttribute('aria-disabled', 'true');
  else button.removeAttribute('aria-disabled');
  byId('saying-card').setAttribute('aria-busy', String(on));
}

function showError(error: unknown): void {
  const { title, detail } = friendlyError(error);
  setText(byId('error-title'), title);
  setText(byId('error-detail'), detail);
  show(byId('error'), true);
}

async function loadSaying(): Promise<void> {
  if (loading) return;
  setLoading(true);
  show(byId('error'), false);
  const notice = startSlowNotice(status, SAYING_SLOW_STEPS);
  try {
    const saying = await getSaying();
    renderSaying(saying);
    voting.reset(saying);
    show(byId('empty'), false);
    setText(byId('get-saying-label'), 'Get another saying');
  } catch (error) {
    showError(error);
  } finally {
    notice.stop();
    setLoading(false);
  }
}

button.addEventListener('click', () => void loadSaying());
