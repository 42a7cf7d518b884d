import { watch } from 'vue'
import type { RouteLocationNormalized, Router } from 'vue-router'
import { i18n } from '@/i18n'

/** The browser tab (and the history list) names the page, in the shop's current language: "购物车 - Mall 商城". */
export function pageTitle(to: Pick<RouteLocationNormalized, 'name'>): string {
  const { t, te } = i18n.global
  const name = typeof to.name === 'string' ? to.name : ''
  const key = name.startsWith('console-') ? 'nav.admin' : `titles.${name}`
  return te(key) ? `${t(key)} - ${t('app.name')}` : t('app.name')
}

export function installPageTitles(router: Router) {
  const apply = () => { document.title = pageTitle(router.currentRoute.value) }
  router.afterEach(apply)
  watch(i18n.global.locale, apply)
}
