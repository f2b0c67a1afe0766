import { defineConfig, type UserConfigExport } from '@tarojs/cli';
import path from 'node:path';
import devConfig from './dev';
import prodConfig from './prod';

const root = path.resolve(__dirname, '../../..');
const workspace = (p: string) => path.join(root, p);

// Workspace packages are TypeScript sources: resolve them by alias and compile them like app code.
const alias = {
  '@linli/api-client': workspace('packages/api-client/src/index.ts'),
  '@linli/api-contract': workspace('packages/api-contract/src/index.ts'),
  '@linli/domain': workspace('libs/domain/src/index.ts'),
  '@linli/shared': workspace('libs/shared/src/index.ts'),
};
const compileInclude = [workspace('packages'), workspace('libs')];
// Page styles are scoped by their class names: the order their files are imported in from page
// to page does not matter, and is not to be warned about.
const STYLES_IN_ANY_ORDER = { ignoreOrder: true };

export default defineConfig<'webpack5'>(async (merge) => {
  const baseConfig: UserConfigExport<'webpack5'> = {
    projectName: 'linli-miniapp',
    date: '2026-11-24',
    designWidth: 375,
    deviceRatio: { 640: 2.34 / 2, 750: 1, 375: 2, 828: 1.81 / 2 },
    sourceRoot: 'src',
    outputRoot: workspace(`dist/miniapp/${process.env.TARO_ENV}`),
    plugins: [],
    defineConstants: {},
    env: {
      TARO_APP_API_BASE: JSON.stringify(process.env.TARO_APP_API_BASE ?? '/api/v1'),
      TARO_APP_DEV_LOGIN: JSON.stringify(process.env.TARO_APP_DEV_LOGIN ?? 'false'),
    },
    alias,
    // The tab bar's icons are files the WeChat runtime loads by path.
    copy: {
      patterns: [
        {
          from: 'src/assets/tab/',
          to: `${workspace(`dist/miniapp/${process.env.TARO_ENV}`)}/assets/tab/`,
        },
      ],
      options: {},
    },
    framework: 'react',
    compiler: { type: 'webpack5', prebundle: { enable: false } },
    cache: { enable: false },
    mini: {
      compile: { include: compileInclude },
      miniCssExtractPluginOption: STYLES_IN_ANY_ORDER,
      postcss: {
        pxtransform: { enable: true, config: {} },
        cssModules: { enable: false },
      },
    },
    h5: {
      publicPath: '/',
      staticDirectory: 'static',
      router: { mode: 'hash' },
      compile: { include: compileInclude },
      esnextModules: ['@nutui/nutui-react-taro', '@nutui/icons-react-taro'],
      // One script for every page: a page opened in the browser is there at once, so 返回
      // tapped while it loads cannot leave the router with a page it never shows or removes.
      webpackChain(chain, webpack) {
        chain.plugin('one-chunk').use(webpack.optimize.LimitChunkCountPlugin, [{ maxChunks: 1 }]);
        chain.performance.hints(false); // one script is the point: no warning for its size
      },
      miniCssExtractPluginOption: STYLES_IN_ANY_ORDER,
      postcss: {
        autoprefixer: { enable: true, config: {} },
        cssModules: { enable: false },
      },
    },
  };
  return merge({}, baseConfig, process.env.NODE_ENV === 'development' ? devConfig : prodConfig);
});
