// The operator console's pages: one entry each, in menu order. This file is the only part of the console in the
// shopper's bundle (the router must know the /admin routes); every page, the layout and Element Plus are loaded
// lazily, in chunks of their own, when an /admin route is opened. scripts/bundle-budget.mjs fails the build's budget
// check when anything else of src/console/ reaches the shopper's first load.
//
// A new page: add a component under pages/, an entry here (its title in i18n/zh-CN.ts and en.ts under
// console.menu), and call the API through console/api.ts.
import type { Component } from 'vue'
import type { RouteRecordRaw } from 'vue-router'

export interface ConsolePage {
  /** Below /admin/. */
  path: string
  /** Route name: console-<path>. */
  name: string
  /** Menu group (i18n key under console.groups); pages of a group are listed together, in this order. */
  group: 'overview' | 'catalog' | 'marketing' | 'trade' | 'users' | 'system'
  component: () => Promise<{ default: Component }>
}

export const consolePages: ConsolePage[] = [
  // First: /admin opens it.
  { path: 'dashboard', name: 'console-dashboard', group: 'overview', component: () => import('./pages/DashboardPage.vue') },
  { path: 'products', name: 'console-products', group: 'catalog', component: () => import('./pages/ProductsPage.vue') },
  { path: 'categories', name: 'console-categories', group: 'catalog', component: () => import('./pages/CategoriesPage.vue') },
  { path: 'banners', name: 'console-banners', group: 'marketing', component: () => import('./pages/BannersPage.vue') },
  { path: 'activities', name: 'console-activities', group: 'marketing', component: () => import('./pages/ActivitiesPage.vue') },
  { path: 'orders', name: 'console-orders', group: 'trade', component: () => import('./pages/OrdersPage.vue') },
  { path: 'after-sales', name: 'console-after-sales', group: 'trade', component: () => import('./pages/AfterSalesPage.vue') },
  { path: 'members', name: 'console-members', group: 'users', component: () => import('./pages/MembersPage.vue') },
  { path: 'audit', name: 'console-audit', group: 'system', component: () => import('./pages/AuditPage.vue') },
]

/** /admin and its pages: signed-in administrators only, in the console's own layout (no shop header or tab bar). */
export const consoleRoutes: RouteRecordRaw[] = [
  {
    path: '/admin',
    component: () => import('./ConsoleLayout.vue'),
    meta: { auth: true, admin: true, console: true },
    children: [
      { path: '', redirect: `/admin/${consolePages[0]!.path}` },
      ...consolePages.map((p): RouteRecordRaw => ({ path: p.path, name: p.name, component: p.component })),
    ],
  },
]
