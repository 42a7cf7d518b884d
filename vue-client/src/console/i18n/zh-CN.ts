// The console's texts, merged into the shop's i18n (key "console") when the console's chunk loads.
export default {
  title: 'Mall 运营后台',
  backToShop: '返回商城',
  signOut: '退出登录',
  groups: { catalog: '商品管理', marketing: '营销', trade: '交易', users: '用户' },
  menu: { products: '商品', categories: '分类', activities: '秒杀活动', orders: '订单', accounts: '账号' },
  common: {
    confirm: '请确认', ok: '确定', cancel: '取消', saved: '已保存', created: '已创建', save: '保存', create: '创建', remove: '删除',
    search: '搜索', reset: '重置', refresh: '刷新', edit: '编辑', actions: '操作', createdAt: '创建时间', empty: '暂无数据',
  },
  yuan: { format: '请输入金额，如 19.99', decimals: '最多两位小数（精确到分）', range: '金额过大' },
  products: {
    category: '分类', title: '商品名称', subtitle: '副标题', description: '描述', images: '图片', imagesHint: '每行一个站内路径，如 /media/products/x.svg',
    skus: '规格', skuN: '规格 {n}', specs: '规格属性', specsHint: '如 颜色:红, 尺码:L', price: '价格', priceYuan: '价格（元）', stock: '库存',
    available: '可售 {n}', addSku: '添加规格', priceRequired: '请为每个规格填写有效价格', edit: '编辑商品 #{id}', create: '新建商品',
    searchHint: '按名称或副标题搜索', minPrice: '最低价', sales: '销量', state: '状态', onShelf: '在架', offShelf: '已下架', putOn: '上架', takeOff: '下架',
    putOnShelf: '已上架', takenOffShelf: '已下架', confirmOffShelf: '下架「{title}」？下架后顾客将无法看到和购买。',
  },
  stock: {
    title: '库存 · 商品 #{id}', total: '总库存', available: '可售',
    explain: '总库存是可售出的总数：可售 = 总库存 − 锁定 − 已售；不能低于锁定 + 已售。',
    result: '总库存 {stock}，锁定 {locked}，已售 {sold}',
  },
  categories: {
    tree: '分类树', create: '新建分类', name: '名称', parent: '上级分类', topLevel: '（顶级分类）', sortOrder: '排序',
    created: '已创建分类「{name}」', twoLevels: '分类共两级：不选上级即为顶级分类，选择顶级分类即为其子分类。',
  },
  skuPicker: { title: '选择 SKU', chooseProduct: '点击左侧商品查看其规格', pick: '选择' },
  activities: {
    create: '新建秒杀活动', searchHint: '按活动名称或 ID 筛选', title: '活动名称', price: '秒杀价', stock: '库存', window: '活动时间', status: '状态',
    statuses: { Draft: '未发布', Upcoming: '未开始', Live: '进行中', SoldOut: '已售罄', Ended: '已结束' },
    publish: '发布', republish: '重新预热', reconcile: '对账', view: '查看',
    skuRequired: '请选择 SKU', publishedStock: '已发布，Redis 库存 {n}', pickSku: '选择 SKU', changeSku: '更换 SKU', limit: '每人限购',
    startsAt: '开始时间', endsAt: '结束时间', challengeBits: '防刷难度', localTime: '时间按您电脑的本地时区填写和显示。',
    reconcileTitle: '对账 · 活动 #{id}', initialStock: '初始库存', redisRemaining: 'Redis 剩余', pendingReservations: '待写入预约',
    liveOrders: '有效订单', releasedToSku: '已退回 SKU', drift: '偏差',
  },
  orders: {
    confirmShip: '确认订单 {orderNo} 已发货？', shipped: '已发货', orderNo: '订单号', items: '商品', itemCount: '等 {n} 件', total: '金额',
    user: '用户', kind: '类型', kinds: { normal: '普通', seckill: '秒杀' }, status: '状态', ship: '发货',
  },
  accounts: {
    id: '账号 ID', disable: '停用', enable: '启用', state: '状态', isDisabled: '已停用', isEnabled: '正常',
    confirmDisable: '停用账号 {id}？该账号将无法登录，已登录的会话立即失效。', disabled: '账号 {id} 已停用', enabled: '账号 {id} 已启用',
    explain: '停用后该账号无法登录，已签发的令牌立即失效；重复操作无副作用；管理员账号不能在此停用。',
  },
}
