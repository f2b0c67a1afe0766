export default definePageConfig({ navigationBarTitleText: '核销提货', onReachBottomDistance: 80 });
