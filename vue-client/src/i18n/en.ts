import type zh from './zh-CN'

const en: typeof zh = {
  app: { name: 'Mall', language: 'Language', switchLanguage: '中文' },
  titles: {
    categories: 'Categories',
    home: 'Home', products: 'Products', product: 'Product', seckill: 'Flash sale', cart: 'Cart', checkout: 'Checkout', orders: 'My orders',
    order: 'Order', pay: 'Payment', account: 'Me', addresses: 'Addresses', login: 'Sign in', register: 'Register', forbidden: 'Not allowed',
    'not-found': 'Page not found',
    'change-password': 'Change password', 'after-sales': 'Refunds & returns', 'after-sale': 'After-sale', 'after-sale-request': 'Request a refund',
  },
  a11y: { decrease: 'Decrease', increase: 'Increase', choose: 'Choose' },
  nav: { home: 'Home', categories: 'Categories', cart: 'Cart', orders: 'Orders', account: 'Me', admin: 'Admin', seckill: 'Flash sale' },
  common: {
    loading: 'Loading…', empty: 'Nothing here yet', retry: 'Retry', save: 'Save', cancel: 'Cancel', delete: 'Delete', edit: 'Edit',
    confirm: 'OK', back: 'Back', more: 'More', search: 'Search', submit: 'Submit', yuan: '¥{amount}', total: 'Total',
    quantity: 'Quantity', page: 'Page {page}', refresh: 'Refresh', close: 'Close', optional: 'optional',
  },
  errors: {
    network: 'Cannot reach the shop. Check your connection and try again.', unknown: 'Something went wrong. Please try again.',
    http400: 'Please check what you entered.', http401: 'Please sign in first.', http403: 'You are not allowed to do that.',
    http404: 'Not found, or no longer available.', http405: 'This is not available yet.', http409: 'That conflicts with the current state; refresh and try again.',
    http410: 'Ended or sold out.', http425: 'It has not started yet.', http428: 'The security check did not pass; please try again.', http429: 'Too many tries; wait a moment.',
    http500: 'The server had a problem. Please try again later.', http502: 'The payment provider is not answering; try again shortly.', http503: 'The service is unavailable right now.',
    notAvailable: 'Coming soon.',
  },
  auth: {
    login: 'Sign in', register: 'Create account', logout: 'Sign out', account: 'Account', accountPlaceholder: 'E-mail or mobile number',
    password: 'Password', passwordPlaceholder: 'At least 8 characters with letters and digits', nickname: 'Nickname',
    noAccount: 'No account yet? Create one', haveAccount: 'Have an account? Sign in', welcome: 'Welcome back, {name}',
    registered: 'Account created', loggedOut: 'Signed out', required: '{field} is required',
    securityCheck: 'Security check…', accountCreated: 'Your account was created, but signing you in automatically did not work. Please sign in here.',
  },
  home: {
    banners: 'Featured', bannerSlide: 'Slide {n} of {total}: {title}', allCategories: 'All categories',
    seckillLive: 'Live now', seckillSoldOut: 'Sold out', seckillUpcoming: 'Coming up', startsIn: 'Starts in {time}', endsIn: 'Ends in {time}',
    categories: 'Categories', products: 'For you', searchPlaceholder: 'Search products', noActivities: 'No flash sales right now',
  },
  product: {
    gallery: 'Product images', galleryImage: '{title}, image {n} of {total}, tap to enlarge',
    addToCart: 'Add to cart', buyNow: 'Buy now', chooseSku: 'Choose options', stock: '{n} in stock', outOfStock: 'Sold out',
    added: 'Added to cart', description: 'Details', notFound: 'Product not found', chooseSpecs: 'Choose {names} first', specSeparator: ', ',
  },
  categories: { title: 'Categories', all: 'All {name}', empty: 'No categories yet', top: 'Top categories', sub: 'Subcategories' },
  listing: { sortDefault: 'Relevance', sortPriceAsc: 'Price: low to high', sortPriceDesc: 'Price: high to low', sortNewest: 'Newest', sortSales: 'Best selling', noResults: 'No products found', all: 'All' },
  cart: {
    title: 'Cart', empty: 'Your cart is empty', goShopping: 'Start shopping', checkout: 'Check out', remove: 'Remove', signInFirst: 'Sign in to see your cart', offShelf: 'No longer sold', short: 'Only {n} left',
    soldOut: 'Sold out', lowStock: 'Only {n} left in stock', selectAll: 'Select all', checkoutN: 'Check out ({n})', noneTicked: 'Tick the items to check out', tick: 'Select {title}',
    guestHint: 'Sign in to keep this cart in your account', full: 'The cart holds at most {max} different items', mergedSome: 'Moved {n} items you added before signing in into your cart.',
    mergeFailed: '"{title}" could not be added to your cart: {reason}', mergeCapped: '{n} items exceeded the per-item limit and were added as {max}.',
    reasons: { stock: 'not enough stock', gone: 'no longer exists', full: 'the cart is full', other: 'please try again later' },
  },
  checkout: {
    title: 'Confirm order', address: 'Shipping address', chooseAddress: 'Choose an address', addAddress: 'Add address', placeOrder: 'Place order',
    noAddress: 'Add a shipping address first', items: 'Items', placing: 'Placing order…',
    subtotal: 'Items total', shipping: 'Shipping', freeShipping: 'Free', freeFrom: 'Free shipping from ¥{amount}', points: 'Earns {n} points',
    notPurchasable: 'Some items cannot be ordered as they are', unknownSku: 'Item {id}', nothing: 'Nothing to check out',
  },
  address: {
    title: 'Addresses', receiver: 'Receiver', phone: 'Phone', province: 'Province', city: 'City', district: 'District', region: 'Region', chooseRegion: 'Choose province / city / district',
    detail: 'Street address', isDefault: 'Use as default', default: 'Default', empty: 'No addresses yet', saved: 'Address saved', deleted: 'Address deleted',
  },
  orders: {
    title: 'My orders', detail: 'Order details', orderNo: 'Order no.', empty: 'No orders yet', pay: 'Pay now', cancel: 'Cancel order',
    cancelled: 'Order cancelled', receipt: 'Confirm receipt', createdAt: 'Placed at', expiresAt: 'Pay before {time}', timeline: 'Progress',
    all: 'All', moreItems: 'and more ({n} items)', status: {
      PendingPayment: 'Awaiting payment', Paid: 'Paid', Shipped: 'Shipped', Completed: 'Completed', Cancelled: 'Cancelled', AfterSale: 'After-sale', Refunding: 'Refunding', Refunded: 'Refunded',
    },
    steps: { created: 'Placed', paid: 'Paid', shipped: 'Shipped', completed: 'Completed', cancelled: 'Cancelled' },
  },
  pay: {
    title: 'Payment', amount: 'Amount due', wechat: 'WeChat Pay', alipay: 'Alipay', scan: 'Scan with WeChat to pay',
    start: 'Pay now', waiting: 'Waiting for the payment…', paid: 'Payment received', redirecting: 'Taking you to Alipay…',
    sandbox: 'Sandbox payment page (development)', openSandbox: 'Open the sandbox confirm page', notPayable: 'This order cannot be paid',
    viewOrder: 'View order', inWechat: 'Opening WeChat Pay…',
    confirming: 'Confirming the payment…', authorizing: 'Signing in with WeChat…', toWechat: 'Taking you to WeChat Pay…',
  },
  seckill: {
    title: 'Flash sale', price: 'Sale price', original: 'Was', stockLeft: '{n} left', limit: 'Limit {n} per person',
    startsIn: 'Starts in', endsIn: 'Ends in', ended: 'This sale has ended', notFound: 'Sale not found',
    state: {
      'not-started': 'Coming soon', 'counting-down': 'Coming soon', ready: 'Buy now', submitting: 'Submitting…', queued: 'Queued, creating your order…',
      success: 'Got it! Pay now', 'sold-out': 'Sold out', 'limit-reached': 'Purchase limit reached', failed: 'Failed, tap to retry',
    },
    signInToJoin: 'Sign in to join the sale',
    preparing: 'Preparing… {percent}%', prepared: 'Ready for the start', securityCheck: 'Security check… {percent}%',
  },
  account: {
    title: 'Me', points: 'Points', profile: 'Profile', addresses: 'Addresses', orders: 'My orders', admin: 'Admin', roles: 'Roles', pointsHistory: 'Points history', noPoints: 'No points yet: paid orders earn points',
  },
  admin: { noAdmin: 'Administrators only' },

  orderCancel: {
    title: 'Cancel order', confirm: 'Cancel this order? This cannot be undone.', pick: 'Why are you cancelling?', typed: 'Tell us why', keep: 'Keep it', submit: 'Cancel order',
    reasons: { changedMind: 'I changed my mind', wrongInfo: 'Wrong address or details', duplicate: 'Ordered twice', cheaperElsewhere: 'Cheaper elsewhere', other: 'Another reason' },
    reasonShown: 'Reason: {reason}',
  },
  afterSale: {
    entry: 'Request a refund', view: 'View the refund', list: 'Refunds & returns', empty: 'No refunds or returns yet', reason: 'Reason', reasonPlaceholder: 'Why do you want a refund? (required)',
    amount: 'Amount (yuan)', amountHint: 'At most ¥{max}', submit: 'Submit', submitted: 'Your request was submitted', cancel: 'Withdraw request', cancelled: 'Request withdrawn',
    cancelConfirm: 'Withdraw this request?', orderNo: 'Order no.', afterSaleNo: 'Request no.', reviewNote: 'Note from the shop', refund: 'Refund',
    kind: { refund: 'Refund only', return: 'Return and refund' },
    status: { AwaitingReview: 'Awaiting review', Refunding: 'Refunding', Refunded: 'Refunded', Rejected: 'Rejected', Cancelled: 'Withdrawn' },
    badAmount: 'Enter a valid amount', needReason: 'Please give a reason',
  },
  changePassword: {
    title: 'Change password', current: 'Current password', next: 'New password', repeat: 'Repeat new password', mismatch: 'The new passwords do not match', submit: 'Change password',
    done: 'Password changed; your other devices were signed out', hint: 'Every other device and browser will be signed out.',
  },
  points: { reason: { paid: 'Earned with a paid order', refund: 'Taken back on a refund', other: 'Points adjusted' }, order: 'Order {orderNo}' },
  seckillWon: { pay: 'Won: pay now', view: 'Won: view your order', preparingBar: 'Preparation progress' },
  accountMore: { security: 'Change password', afterSales: 'Refunds & returns', shopper: 'Member', admin: 'Administrator' },
  notFound: { title: 'Page not found', home: 'Back home' },
}

export default en
