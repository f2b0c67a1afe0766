export default defineAppConfig({
  pages: ['pages/index/index', 'pages/member/index', 'pages/orders/index', 'pages/mine/index'],
  subPackages: [
    {
      root: 'subpackages/member',
      pages: [
        'points/index',
        'notifications/index',
        'check-in/index',
        'invite/index',
        'coupons/index',
        'rewards/index',
      ],
    },
    { root: 'subpackages/shop', pages: ['campaign/index', 'checkout/index', 'order/index'] },
    {
      root: 'subpackages/leader',
      pages: [
        'dashboard/index',
        'verify/index',
        'pick-lists/index',
        'deliveries/index',
        'commission/index',
        'apply/index',
      ],
    },
  ],
  // WeChat gives the location (for the pickup points nearby) only to apps that declare it.
  requiredPrivateInfos: ['getLocation'],
  permission: { 'scope.userLocation': { desc: '用于查找你附近的自提点' } },
  // In the browser, pages change without sliding: the slide's timers, when 返回 comes within
  // them, leave the page gone back to hidden.
  ...(process.env.TARO_ENV === 'h5' ? { animation: false } : {}),
  window: {
    backgroundTextStyle: 'light',
    navigationBarBackgroundColor: '#ff5a1f',
    navigationBarTitleText: '邻里',
    navigationBarTextStyle: 'white',
  },
  tabBar: {
    color: '#8a8a8a',
    selectedColor: '#ff5a1f',
    backgroundColor: '#ffffff',
    borderStyle: 'white',
    list: [
      {
        pagePath: 'pages/index/index',
        iconPath: 'assets/tab/home.png',
        selectedIconPath: 'assets/tab/home-active.png',
        text: '首页',
      },
      {
        pagePath: 'pages/member/index',
        iconPath: 'assets/tab/member.png',
        selectedIconPath: 'assets/tab/member-active.png',
        text: '会员',
      },
      {
        pagePath: 'pages/orders/index',
        iconPath: 'assets/tab/orders.png',
        selectedIconPath: 'assets/tab/orders-active.png',
        text: '订单',
      },
      {
        pagePath: 'pages/mine/index',
        iconPath: 'assets/tab/mine.png',
        selectedIconPath: 'assets/tab/mine-active.png',
        text: '我的',
      },
    ],
  },
});
