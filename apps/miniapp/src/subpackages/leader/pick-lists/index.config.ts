export default definePageConfig({
  navigationBarTitleText: '分拣单',
  enablePullDownRefresh: true,
  onReachBottomDistance: 80,
});
