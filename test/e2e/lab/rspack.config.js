// Builds frontend/index.js into build/ (bundle.js, chunks, CSS), and copies the
// settings schemas and themes of the packages listed under "jupyterlab" in
// package.json into build/schemas and build/themes, where the server finds them.
const path = require('node:path');
const rspack = require('@rspack/core');
const { Build } = require('@jupyter/builder');
const svgToDataUri = require('mini-svg-data-uri');
const { jupyterlab } = require('./package.json');

const output = path.join(__dirname, 'build');

const themeConfigs = Build.ensureAssets({
  packageNames: [...jupyterlab.extensions, ...jupyterlab.mimeExtensions],
  output,
});

module.exports = [
  {
    entry: { main: './frontend/index.js' },
    output: { path: output, filename: 'bundle.js', chunkFilename: '[name].[contenthash:8].js', clean: false },
    mode: 'development',
    devtool: false,
    bail: true,
    // mathjax-full mentions __dirname in code the browser never runs.
    ignoreWarnings: [/"__dirname" is used/],
    module: {
      rules: [
        // @jupyter/web-components imports files without their extension.
        { test: /\.m?js$/, resolve: { fullySpecified: false } },
        { test: /\.css$/, exclude: /\.raw\.css$/, type: 'javascript/auto', use: ['style-loader', 'css-loader'] },
        { test: /\.raw\.css$/, type: 'asset/source' },
        { test: /\.(html|eot)$/, type: 'asset/resource' },
        { test: /\.md$/, type: 'asset/source' },
        { test: /\.(jpg|png|gif|woff2?|ttf)(\?v=\d+\.\d+\.\d+)?$/, type: 'asset' },
        // In CSS an SVG is a data URI; in code it is the SVG's source text.
        {
          test: /\.svg(\?v=\d+\.\d+\.\d+)?$/,
          issuer: /\.css$/,
          type: 'asset/inline',
          generator: { dataUrl: { content: (source) => svgToDataUri(source.content), mimetype: 'image/svg+xml' } },
        },
        { test: /\.svg(\?v=\d+\.\d+\.\d+)?$/, issuer: /\.js$/, type: 'asset/source' },
      ],
    },
    plugins: [
      // Some packages call process.cwd() (the path polyfill) in the browser.
      new rspack.DefinePlugin({ process: { cwd: () => '/', env: {} } }),
    ],
  },
  ...themeConfigs,
];
