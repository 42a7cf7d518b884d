export default {
  app: { name: 'Mall 商城', language: '语言', switchLanguage: 'English' },
  titles: {
    home: '首页', products: '商品列表', product: '商品详情', seckill: '限时秒杀', cart: '购物车', checkout: '确认订单', orders: '我的订单',
    order: '订单详情', pay: '支付', account: '我的', addresses: '收货地址', login: '登录', register: '注册', forbidden: '无权访问',
    'not-found': '页面不存在',
    'change-password': '修改密码', 'after-sales': '退款/售后', 'after-sale': '售后详情', 'after-sale-request': '申请售后',
  },
  nav: { home: '首页', categories: '分类', cart: '购物车', orders: '订单', account: '我的', admin: '管理', seckill: '秒杀' },
  common: {
    loading: '加载中…', empty: '暂无数据', retry: '重试', save: '保存', cancel: '取消', delete: '删除', edit: '编辑',
    confirm: '确定', back: '返回', more: '更多', search: '搜索', submit: '提交', yuan: '¥{amount}', total: '合计',
    quantity: '数量', page: '第 {page} 页', refresh: '刷新', close: '关闭', optional: '选填',
  },
  errors: {
    network: '网络连接失败，请检查网络后重试。', unknown: '出了点问题，请稍后再试。',
    http400: '请求有误，请检查输入。', http401: '请先登录。', http403: '没有权限执行此操作。', http404: '内容不存在或已下架。',
    http405: '该功能暂未开放。', http409: '操作冲突，请刷新后重试。', http410: '已结束或已售罄。', http425: '活动尚未开始。', http428: '安全验证未通过，请重试。',
    http429: '操作太频繁，请稍后再试。', http500: '服务器开小差了，请稍后再试。', http502: '支付服务暂时不可用，请稍后再试。', http503: '服务暂不可用，请稍后再试。',
    notAvailable: '该功能即将上线。',
  },
  auth: {
    login: '登录', register: '注册', logout: '退出登录', account: '账号', accountPlaceholder: '邮箱或手机号',
    password: '密码', passwordPlaceholder: '至少 8 位，含字母和数字', nickname: '昵称', noAccount: '还没有账号？去注册',
    haveAccount: '已有账号？去登录', welcome: '欢迎回来，{name}', registered: '注册成功', loggedOut: '已退出登录',
    required: '请填写{field}',
    securityCheck: '安全验证中…', accountCreated: '账号已创建，但自动登录没有成功，请在这里登录。',
  },
  home: {
    seckillLive: '正在秒杀', seckillSoldOut: '已售罄', seckillUpcoming: '即将开始', startsIn: '距开始 {time}', endsIn: '距结束 {time}',
    categories: '商品分类', products: '为你推荐', searchPlaceholder: '搜索商品', noActivities: '暂无秒杀活动',
  },
  product: {
    addToCart: '加入购物车', buyNow: '立即购买', chooseSku: '请选择规格', stock: '库存 {n}', outOfStock: '已售罄',
    added: '已加入购物车', description: '商品详情', notFound: '商品不存在', chooseSpecs: '请选择{names}', specSeparator: '、',
  },
  listing: { sortDefault: '综合', sortPriceAsc: '价格从低到高', sortPriceDesc: '价格从高到低', sortNewest: '最新', noResults: '没有找到相关商品', all: '全部' },
  cart: { title: '购物车', empty: '购物车是空的', goShopping: '去逛逛', checkout: '去结算', remove: '删除', signInFirst: '登录后查看购物车', offShelf: '已下架', short: '库存不足，仅剩 {n} 件' },
  checkout: {
    title: '确认订单', address: '收货地址', chooseAddress: '选择收货地址', addAddress: '新增地址', placeOrder: '提交订单',
    noAddress: '请先添加收货地址', items: '商品清单', placing: '正在提交…',
    subtotal: '商品金额', shipping: '运费', freeShipping: '免运费', freeFrom: '满 ¥{amount} 免运费', points: '可得 {n} 积分',
    notPurchasable: '部分商品暂时无法购买', unknownSku: '商品 {id}', nothing: '没有要结算的商品',
  },
  address: {
    title: '收货地址', receiver: '收货人', phone: '手机号', province: '省份', city: '城市', district: '区县',
    detail: '详细地址', isDefault: '设为默认', default: '默认', empty: '还没有收货地址', saved: '地址已保存', deleted: '地址已删除',
  },
  orders: {
    title: '我的订单', detail: '订单详情', orderNo: '订单号', empty: '还没有订单', pay: '去支付', cancel: '取消订单',
    cancelled: '订单已取消', receipt: '确认收货', createdAt: '下单时间', expiresAt: '请在 {time} 前支付', timeline: '订单进度',
    all: '全部', moreItems: '等 {n} 件商品', status: {
      PendingPayment: '待支付', Paid: '已支付', Shipped: '已发货', Completed: '已完成', Cancelled: '已取消', AfterSale: '售后中', Refunding: '退款中', Refunded: '已退款',
    },
    steps: { created: '下单', paid: '支付', shipped: '发货', completed: '完成', cancelled: '已取消' },
  },
  pay: {
    title: '支付订单', amount: '应付金额', wechat: '微信支付', alipay: '支付宝', scan: '请使用微信扫一扫完成支付',
    start: '立即支付', waiting: '等待支付结果…', paid: '支付成功', redirecting: '正在跳转到支付宝…', sandbox: '沙箱支付页（开发环境）',
    openSandbox: '打开沙箱确认页', notPayable: '该订单无法支付', viewOrder: '查看订单', inWechat: '正在调起微信支付…',
  },
  seckill: {
    title: '限时秒杀', price: '秒杀价', original: '原价', stockLeft: '剩余 {n} 件', limit: '每人限购 {n} 件',
    startsIn: '距开始', endsIn: '距结束', ended: '活动已结束', notFound: '活动不存在',
    state: {
      'not-started': '即将开始', 'counting-down': '即将开始', ready: '立即抢购', submitting: '抢购中…', queued: '排队中，正在生成订单…',
      success: '抢购成功，去支付', 'sold-out': '已抢光', 'limit-reached': '已达限购数量', failed: '抢购失败，点此重试',
    },
    signInToJoin: '登录后参与秒杀',
    preparing: '正在准备抢购… {percent}%', prepared: '抢购准备就绪', securityCheck: '安全验证中… {percent}%',
  },
  account: {
    title: '我的', points: '积分', profile: '个人资料', addresses: '收货地址', orders: '我的订单', admin: '管理后台', roles: '角色', pointsHistory: '积分明细', noPoints: '还没有积分记录，付款后即可获得积分',
  },
  admin: { noAdmin: '需要管理员权限' },

  orderCancel: {
    title: '取消订单', confirm: '确定取消这个订单吗？取消后不可恢复。', pick: '请选择取消原因', typed: '请填写原因', keep: '再想想', submit: '确定取消',
    reasons: { changedMind: '不想要了', wrongInfo: '地址或信息填错了', duplicate: '重复下单', cheaperElsewhere: '别处更便宜', other: '其他原因' },
    reasonShown: '取消原因：{reason}',
  },
  afterSale: {
    entry: '申请退款/售后', view: '查看售后', list: '退款/售后', empty: '还没有售后记录', reason: '原因', reasonPlaceholder: '请描述退款原因（必填）',
    amount: '退款金额（元）', amountHint: '最多可退 ¥{max}', submit: '提交申请', submitted: '售后申请已提交', cancel: '撤销申请', cancelled: '售后申请已撤销',
    cancelConfirm: '确定撤销这个售后申请吗？', orderNo: '订单号', afterSaleNo: '售后单号', reviewNote: '商家备注', refund: '退款',
    kind: { refund: '仅退款', return: '退货退款' },
    status: { AwaitingReview: '待审核', Refunding: '退款中', Refunded: '已退款', Rejected: '已拒绝', Cancelled: '已撤销' },
    badAmount: '请输入正确的金额', needReason: '请填写退款原因',
  },
  changePassword: {
    title: '修改密码', current: '当前密码', next: '新密码', repeat: '确认新密码', mismatch: '两次输入的新密码不一致', submit: '确认修改',
    done: '密码已修改，其他设备已退出登录', hint: '修改后，其他设备和浏览器上的登录将全部失效。',
  },
  points: { reason: { paid: '订单支付获得', refund: '订单退款扣回', other: '积分变动' }, order: '订单 {orderNo}' },
  seckillWon: { pay: '已抢到，去支付', view: '已抢到，查看订单', preparingBar: '抢购准备进度' },
  accountMore: { security: '修改密码', afterSales: '退款/售后', shopper: '普通会员', admin: '管理员' },
  notFound: { title: '页面不存在', home: '返回首页' },
}
