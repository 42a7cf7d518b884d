import { createRouter, createWebHistory, type RouteRecordRaw, type Router } from 'vue-router'
import { useAuthStore } from '@/stores/auth'
import { consoleRoutes } from '@/console/menu'
import { installPageTitles } from '@/lib/pageTitle'

declare module 'vue-router' {
  interface RouteMeta {
    auth?: boolean
    admin?: boolean
    /** The operator console's pages: its own layout, without the shop's header and tab bar. */
    console?: boolean
    title?: string
    tab?: string
  }
}

export const routes: RouteRecordRaw[] = [
  { path: '/', name: 'home', component: () => import('@/views/HomeView.vue'), meta: { tab: 'home' } },
  { path: '/products', name: 'products', component: () => import('@/views/ProductListView.vue'), meta: { tab: 'categories' } },
  { path: '/categories', name: 'categories', component: () => import('@/views/CategoriesView.vue'), meta: { tab: 'categories' } },
  { path: '/products/:id', name: 'product', component: () => import('@/views/ProductView.vue') },
  { path: '/seckill/:id', name: 'seckill', component: () => import('@/views/SeckillView.vue') },
  { path: '/cart', name: 'cart', component: () => import('@/views/CartView.vue'), meta: { tab: 'cart' } },
  { path: '/checkout', name: 'checkout', component: () => import('@/views/CheckoutView.vue'), meta: { auth: true } },
  { path: '/orders', name: 'orders', component: () => import('@/views/OrdersView.vue'), meta: { auth: true, tab: 'account' } },
  { path: '/orders/:orderNo', name: 'order', component: () => import('@/views/OrderView.vue'), meta: { auth: true } },
  { path: '/pay/:orderNo', name: 'pay', component: () => import('@/views/PayView.vue'), meta: { auth: true } },
  { path: '/account', name: 'account', component: () => import('@/views/AccountView.vue'), meta: { auth: true, tab: 'account' } },
  { path: '/account/addresses', name: 'addresses', component: () => import('@/views/AddressesView.vue'), meta: { auth: true, tab: 'account' } },
  { path: '/account/password', name: 'change-password', component: () => import('@/views/ChangePasswordView.vue'), meta: { auth: true, tab: 'account' } },
  { path: '/after-sales', name: 'after-sales', component: () => import('@/views/AfterSalesView.vue'), meta: { auth: true, tab: 'account' } },
  { path: '/after-sales/:afterSaleNo', name: 'after-sale', component: () => import('@/views/AfterSaleView.vue'), meta: { auth: true, tab: 'account' } },
  { path: '/orders/:orderNo/after-sale', name: 'after-sale-request', component: () => import('@/views/AfterSaleRequestView.vue'), meta: { auth: true } },
  { path: '/login', name: 'login', component: () => import('@/views/LoginView.vue') },
  { path: '/register', name: 'register', component: () => import('@/views/RegisterView.vue') },
  ...consoleRoutes,
  { path: '/forbidden', name: 'forbidden', component: () => import('@/views/NotFoundView.vue'), props: { forbidden: true } },
  { path: '/:pathMatch(.*)*', name: 'not-found', component: () => import('@/views/NotFoundView.vue') },
]

/** Signed-in pages send guests to the login page (and back afterwards); admin pages need the admin role. */
export function installGuards(router: Router) {
  router.beforeEach(async (to) => {
    const auth = useAuthStore()
    if (!auth.restored) await auth.restore()
    if (to.matched.some((r) => r.meta.auth) && !auth.isSignedIn) return { name: 'login', query: { redirect: to.fullPath } }
    if (to.matched.some((r) => r.meta.admin) && !auth.isAdmin) return { name: 'forbidden' }
    if ((to.name === 'login' || to.name === 'register') && auth.isSignedIn) return { name: 'account' }
    return true
  })
}

export function createMallRouter() {
  const router = createRouter({
    history: createWebHistory(),
    routes,
    scrollBehavior: (_to, _from, saved) => saved ?? { top: 0 },
  })
  installGuards(router)
  installPageTitles(router)
  return router
}
