import { defineStore } from 'pinia'
import { ref } from 'vue'
import { Locale } from 'vant'
import enUS from 'vant/es/locale/lang/en-US'
import zhCN from 'vant/es/locale/lang/zh-CN'
import { i18n, savedLocale, storageKey, type AppLocale } from '@/i18n'

/** Simplified Chinese by default; the choice survives reloads (localStorage) and drives Vant's own texts too. */
export const useLocaleStore = defineStore('locale', () => {
  const locale = ref<AppLocale>(savedLocale())

  function apply(value: AppLocale) {
    locale.value = value
    i18n.global.locale.value = value
    if (value === 'en') Locale.use('en-US', enUS)
    else Locale.use('zh-CN', zhCN)
    if (typeof document !== 'undefined') document.documentElement.lang = value
    localStorage.setItem(storageKey, value)
  }

  function toggle() {
    apply(locale.value === 'zh-CN' ? 'en' : 'zh-CN')
  }

  return { locale, apply, toggle }
})
