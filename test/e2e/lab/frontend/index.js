// The JupyterLab 4 front end the browser tests load: the stock plugins from npm,
// started by us. The server script (server/lab_server.py) serves the bundle.
import { JupyterLab } from '@jupyterlab/application';
import { PageConfig } from '@jupyterlab/coreutils';
import { IConnectionStatus, IServiceManager } from '@jupyterlab/services';
import { PluginRegistry } from '@lumino/coreutils';

// Chunks and assets load from the server's static URL, known only at run time.
// eslint-disable-next-line no-undef
__webpack_public_path__ = `${PageConfig.getOption('fullStaticUrl')}/`;

// Written by Build.ensureAssets (rspack.config.js): one import per package's CSS.
const styles = import('../build/style.js');

// Keep in step with "jupyterlab" in package.json, which tells the build whose
// settings schemas and themes to copy.
const pluginPackages = [
  import('@jupyterlab/application-extension'),
  import('@jupyterlab/apputils-extension'),
  import('@jupyterlab/celltags-extension'),
  import('@jupyterlab/codemirror-extension'),
  import('@jupyterlab/completer-extension'),
  import('@jupyterlab/console-extension'),
  import('@jupyterlab/csvviewer-extension'),
  import('@jupyterlab/debugger-extension'),
  import('@jupyterlab/docmanager-extension'),
  import('@jupyterlab/documentsearch-extension'),
  import('@jupyterlab/filebrowser-extension'),
  import('@jupyterlab/fileeditor-extension'),
  import('@jupyterlab/help-extension'),
  import('@jupyterlab/imageviewer-extension'),
  import('@jupyterlab/inspector-extension'),
  import('@jupyterlab/launcher-extension'),
  import('@jupyterlab/mainmenu-extension'),
  import('@jupyterlab/markdownviewer-extension'),
  import('@jupyterlab/markedparser-extension'),
  import('@jupyterlab/mathjax-extension'),
  import('@jupyterlab/metadataform-extension'),
  import('@jupyterlab/notebook-extension'),
  import('@jupyterlab/rendermime-extension'),
  import('@jupyterlab/running-extension'),
  import('@jupyterlab/services-extension'),
  import('@jupyterlab/settingeditor-extension'),
  import('@jupyterlab/shortcuts-extension'),
  import('@jupyterlab/statusbar-extension'),
  import('@jupyterlab/theme-dark-extension'),
  import('@jupyterlab/theme-light-extension'),
  import('@jupyterlab/toc-extension'),
  import('@jupyterlab/tooltip-extension'),
  import('@jupyterlab/translation-extension'),
  import('@jupyterlab/ui-components-extension'),
];

const mimePackages = [import('@jupyterlab/json-extension'), import('@jupyterlab/pdf-extension')];

/** A package's plugins: its default export, one plugin or a list of them. */
function pluginsOf(module) {
  const exported = module.default ?? module;
  return Array.isArray(exported) ? exported : [exported];
}

// The language-server plugins need a server extension that Debian's
// jupyter_server does not have; left in, they log errors on every page.
const withoutLanguageServer = (plugins) => plugins.filter(({ id }) => !id.includes(':language-server'));

window.addEventListener('load', async () => {
  await styles;
  // As JupyterLab's own page does since 4.4: the service manager (kernels,
  // sessions, contents) is itself made by plugins, resolved before the app.
  const registry = new PluginRegistry();
  registry.registerPlugins(withoutLanguageServer((await Promise.all(pluginPackages)).flatMap(pluginsOf)));
  const lab = new JupyterLab({
    pluginRegistry: registry,
    serviceManager: await registry.resolveRequiredService(IServiceManager),
    connectionStatus: await registry.resolveOptionalService(IConnectionStatus),
    mimeExtensions: (await Promise.all(mimePackages)).flatMap(pluginsOf),
  });
  // The tests read kernel states from it where the page shows none.
  if (PageConfig.getOption('exposeAppInBrowser') === 'true') window.jupyterapp = lab;
  await lab.start({ bubblingKeydown: true });
  await lab.restored;
  // The tests wait for this before they touch the page.
  document.body.dataset.loomLabRestored = 'true';
});
