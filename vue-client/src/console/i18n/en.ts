import type zh from './zh-CN'

const en: typeof zh = {
  title: 'Mall Console',
  backToShop: 'Back to the shop',
  signOut: 'Sign out',
  groups: { overview: 'Overview', catalog: 'Catalog', marketing: 'Marketing', trade: 'Trade', users: 'Users' },
  menu: { dashboard: 'Dashboard', products: 'Products', categories: 'Categories', activities: 'Flash sales', orders: 'Orders', 'after-sales': 'After-sales', members: 'Members' },
  common: {
    confirm: 'Please confirm', ok: 'OK', cancel: 'Cancel', saved: 'Saved', created: 'Created', save: 'Save', create: 'Create', remove: 'Remove',
    search: 'Search', reset: 'Reset', refresh: 'Refresh', edit: 'Edit', actions: 'Actions', createdAt: 'Created', empty: 'No data',
  },
  yuan: { format: 'Enter an amount, e.g. 19.99', decimals: 'At most two decimals (cents)', range: 'The amount is too large' },
  products: {
    category: 'Category', title: 'Name', subtitle: 'Subtitle', description: 'Description', images: 'Images', imagesHint: 'One site path per line, e.g. /media/products/x.svg',
    skus: 'SKUs', skuN: 'SKU {n}', specs: 'Specs', specsHint: 'e.g. Color:Red, Size:L', price: 'Price', priceYuan: 'Price (yuan)', stock: 'Stock',
    available: '{n} available', addSku: 'Add SKU', priceRequired: 'Enter a valid price for every SKU', edit: 'Edit product #{id}', create: 'New product',
    searchHint: 'Search by name', minPrice: 'From', sales: 'Sales', state: 'State', onShelf: 'On shelf', offShelf: 'Off shelf', putOn: 'Put on shelf', takeOff: 'Take off',
    putOnShelf: 'Put on shelf', takenOffShelf: 'Taken off shelf', confirmOffShelf: 'Take "{title}" off shelf? Shoppers will no longer see or buy it.',
    availableStock: 'Available / stock', skuCount: '{n} SKUs',
    shelves: { all: 'On and off shelf', on: 'On shelf', off: 'Off shelf' },
    stocks: { any: 'Any stock', lowStock: 'Low stock', outOfStock: 'Sold out' },
    sorts: { newest: 'Newest', updated: 'Recently changed', price_asc: 'Price: low to high', price_desc: 'Price: high to low', stock_asc: 'Stock: low to high', stock_desc: 'Stock: high to low', sales: 'Best selling' },
    cover: 'Cover', moveUp: 'Earlier', moveDown: 'Later', confirmDeleteImage: 'Delete this image?', noImages: 'No images yet', uploadImage: 'Upload image',
    imageRules: 'JPEG, PNG or WebP, at most 5 MB, up to 10 images; the first is the cover.', imageUploaded: 'Image uploaded', imagesSorted: 'Image order saved', imageDeleted: 'Image deleted',
  },
  stock: {
    title: 'Stock · product #{id}', total: 'Total stock', available: 'Available',
    explain: 'Total stock is all that can ever be sold: available = total − locked − sold; it cannot go below locked + sold.',
    result: 'Total {stock}, locked {locked}, sold {sold}',
  },
  categories: {
    tree: 'Category tree', create: 'New category', name: 'Name', parent: 'Parent', topLevel: '(top level)', sortOrder: 'Order',
    created: 'Category "{name}" created', twoLevels: 'Two levels: without a parent it is a top category; with one, its subcategory.',
  },
  skuPicker: { title: 'Pick a SKU', chooseProduct: 'Click a product on the left to see its SKUs', pick: 'Pick' },
  activities: {
    create: 'New flash sale', searchHint: 'Filter by name or ID', title: 'Name', price: 'Sale price', stock: 'Stock', window: 'When', status: 'Status',
    statuses: { Draft: 'Not published', Scheduled: 'Scheduled', Live: 'Live', SoldOut: 'Sold out', Ended: 'Ended', Cancelled: 'Cancelled' },
    publish: 'Publish', reconcile: 'Reconcile', view: 'View', cancel: 'Cancel', stockSold: 'Sold / stock', remaining: 'Left / stock',
    confirmCancel: 'Cancel the flash sale "{title}"? Unsold units go back to the SKU; this cannot be undone.',
    confirmCancelLive: 'The flash sale "{title}" is live! Shoppers are stopped at once and unsold units go back to the SKU; this cannot be undone.',
    cancelled: 'Cancelled, {n} units back to the SKU', livePanel: 'Live panel (refreshed every 2 s)', attempts: 'Attempts by result', accepted: 'Accepted', written: 'Orders written', backlog: 'Backlog',
    driftUnknown: 'Too many reservations queued: drift is not computed now',
    skuRequired: 'Pick a SKU', publishedStock: 'Published, {n} in Redis', pickSku: 'Pick a SKU', changeSku: 'Change SKU', limit: 'Limit per shopper',
    startsAt: 'Starts', endsAt: 'Ends', challengeBits: 'Bot difficulty', localTime: "Times are entered and shown in your computer's time zone.",
    reconcileTitle: 'Reconcile · flash sale #{id}', initialStock: 'Initial stock', redisRemaining: 'Left in Redis', pendingReservations: 'Pending reservations',
    liveOrders: 'Live orders', releasedToSku: 'Released to SKU', drift: 'Drift',
  },
  dashboard: {
    asOf: 'As of {at} (days in the shop\'s time zone, {zone})', ordersCreated: 'Orders today', ordersPaid: 'Paid today', gmv: 'Paid GMV', conversion: 'Conversion',
    days: 'Last 7 days', date: 'Date', createdThenPaid: 'Placed and paid', cancelled: 'Cancelled', units: 'Units', topByUnits: 'Top products by units', topByGmv: 'Top products by GMV',
    topRange: 'Top products from {from} to {to}',
  },
  orders: {
    shipped: 'Shipped', orderNo: 'Order no.', items: 'Items', itemCount: '{n} items', total: 'Total',
    user: 'User', kind: 'Kind', kinds: { normal: 'Normal', seckill: 'Flash sale' }, status: 'Status', ship: 'Ship',
    shipTitle: 'Ship order {orderNo}', carrier: 'Carrier', carrierHint: 'Pick or type a carrier', trackingNo: 'Tracking no.',
    account: 'Shopper account', allKinds: 'All kinds', from: 'From', to: 'To', export: 'Export CSV', view: 'Details', totalText: '{n} in all',
    detailTitle: 'Order {orderNo}', shopper: 'Shopper', address: 'Address', shipment: 'Shipment', product: 'Product', specs: 'Specs', price: 'Price', quantity: 'Qty',
    payments: 'Payments', paymentNo: 'Payment no.', provider: 'Provider', paidAt: 'Paid at', timeline: 'Timeline', remarks: 'Remarks', remark: 'Remark',
    remarkHint: 'A remark only operators see', addRemark: 'Add remark', remarkAdded: 'Remark added', close: 'Close order', closeReason: 'Reason', closed: 'Order closed',
    refunds: 'Refunds', refundNo: 'Refund no.',
    events: { created: 'Placed', paid: 'Paid', shipped: 'Shipped', received: 'Received', cancelled: 'Cancelled by the shopper', expired: 'Expired', closed: 'Closed by an operator', refunded: 'Refunded' },
    by: { shopper: 'shopper', operator: 'operator', system: 'system' },
  },
  afterSales: {
    no: 'After-sale no.', kind: 'Kind', kinds: { refund: 'Refund only', return: 'Return and refund' }, amount: 'Amount', reason: 'Reason', note: 'Review note', noteHint: 'Required to reject; the shopper sees it',
    statuses: { AwaitingReview: 'Awaiting review', Refunding: 'Refunding', Refunded: 'Refunded', Rejected: 'Rejected', Cancelled: 'Withdrawn' },
    detailTitle: 'After-sale {no}', reviewedAt: 'Reviewed', refund: 'Refund', approve: 'Approve and refund', reject: 'Reject',
    confirmApprove: 'Approve this request and refund ¥{amount}? The refund starts at once.', approved: 'Approved, the refund has started', rejected: 'Rejected',
  },
  members: {
    account: 'Account', nickname: 'Nickname', role: 'Role', points: 'Points', prefix: 'Starts with', contains: 'Contains', anyState: 'Any state',
    detailTitle: 'Member #{id}', orderCount: 'Orders', recentOrders: 'Recent orders', recentPoints: 'Points history', reason: 'Reason',
  },
  accounts: {
    id: 'Account ID', disable: 'Disable', enable: 'Enable', state: 'State', isDisabled: 'Disabled', isEnabled: 'Active',
    confirmDisable: 'Disable account {id}? It can no longer sign in, and its sessions end at once.', disabled: 'Account {id} disabled', enabled: 'Account {id} enabled',
    explain: 'A disabled account cannot sign in and its tokens stop working at once; repeating is harmless; administrators cannot be disabled here.',
  },
}

export default en
