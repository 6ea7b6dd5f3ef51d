/** The Vigil console: a hash-routed single-page app over the read API of its own origin. */
import 'gridstack/dist/gridstack.min.css';
import './styles.css';
import { initAuth } from './auth.ts';
import { clear, errorBox, h } from './dom.ts';
import { modelsPage } from './pages/models.ts';

const app = document.getElementById('app') as HTMLElement;
let generation = 0;

function nav(): HTMLElement {
  return h(
    'nav',
    { class: 'top' },
    h('a', { href: '#/', class: 'brand' }, 'Vigil'),
    h('a', { href: '#/' }, 'Models'),
    h('a', { href: '#/dashboards' }, 'Dashboards'),
    h('a', { href: '/dashboard' }, 'Static report'),
  );
}

async function route(): Promise<void> {
  const mine = ++generation;
  const parts = location.hash.replace(/^#\/?/, '').split('/').filter(Boolean).map(decodeURIComponent);
  if ((globalThis as { vigilEcharts?: unknown }).vigilEcharts) (await import('./charts.ts')).disposeCharts();
  document.body.removeAttribute('data-rendered');
  const main = h('main', {});
  clear(app);
  app.append(nav(), main);
  let page = 'models';
  try {
    if (parts[0] === 'm' && parts.length >= 3) {
      const [, name, version, what, arg] = parts;
      if (what === 'check' && arg) {
        page = 'check';
        await (await import('./pages/check.ts')).checkPage(main, name, version, arg);
      } else if (what === 'projector' && arg) {
        page = 'projector';
        await (await import('./pages/projector.ts')).projectorPage(main, name, version, arg);
      } else {
        page = 'model-version';
        await (await import('./pages/model-version.ts')).modelVersionPage(
          main,
          name,
          version,
          what === 'run' ? arg : undefined,
        );
      }
    } else if (parts[0] === 'dashboards') {
      page = 'dashboards';
      await (await import('./pages/dashboards.ts')).dashboardsPage(main);
    } else if (parts[0] === 'd' && parts[1]) {
      page = 'dashboard';
      await (await import('./pages/dashboard.ts')).dashboardPage(main, parts[1], () => void route());
    } else {
      await modelsPage(main);
    }
  } catch (err) {
    if (mine !== generation) return;
    main.append(errorBox(err));
  }
  if (mine !== generation) return;
  document.body.setAttribute('data-page', page);
  document.body.setAttribute('data-rendered', 'true');
}

addEventListener('hashchange', () => void route());
initAuth().then(
  () => route(),
  (err) => {
    app.replaceChildren(errorBox(err));
  },
);
