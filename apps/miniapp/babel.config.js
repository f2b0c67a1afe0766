// Taro's preset compiles TypeScript and JSX for every target platform.
module.exports = {
  presets: [['taro', { framework: 'react', ts: true, compiler: 'webpack5', useBuiltIns: false }]],
};
