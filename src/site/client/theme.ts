/** Light / dark toggle; the choice is remembered, otherwise the system preference applies. */
const KEY = 'podium-theme';
const root = document.documentElement;
const button = document.getElementById('theme-toggle');
const media = window.matchMedia('(prefers-color-scheme: dark)');

const effective = (): 'dark' | 'light' =>
  root.dataset['theme'] === 'dark' || root.dataset['theme'] === 'light'
    ? (root.dataset['theme'] as 'dark' | 'light')
    : media.matches
      ? 'dark'
      : 'light';

function sync(): void {
  if (!button) return;
  // The label stays "Dark theme"; aria-pressed says whether it is on.
  button.setAttribute('aria-pressed', String(effective() === 'dark'));
}

button?.addEventListener('click', () => {
  const next = effective() === 'dark' ? 'light' : 'dark';
  root.dataset['theme'] = next;
  try {
    localStorage.setItem(KEY, next);
  } catch {
    // Private browsing: the choice lasts for this page only.
  }
  sync();
});
media.addEventListener('change', sync);
sync();
