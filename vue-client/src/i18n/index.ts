import { createI18n } from 'vue-i18n'
import zhCN from './zh-CN'
import en from './en'

export const locales = ['zh-CN', 'en'] as const
export type AppLocale = (typeof locales)[number]
export const storageKey = 'mall.locale'

export function savedLocale(): AppLocale {
  const saved = typeof localStorage !== 'undefined' ? localStorage.getItem(storageKey) : null
  return (locales as readonly string[]).includes(saved ?? '') ? (saved as AppLocale) : 'zh-CN'
}

export const i18n = createI18n({
  legacy: false,
  locale: savedLocale(),
  fallbackLocale: 'zh-CN',
  messages: { 'zh-CN': zhCN, en },
})
