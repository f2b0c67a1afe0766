export default definePageConfig({
  navigationBarTitleText: '到货确认',
  enablePullDownRefresh: true,
  onReachBottomDistance: 80,
});
