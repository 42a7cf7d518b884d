// The console's texts join the shop's i18n instance when the console's chunk loads, so the language switch, the
// saved choice and the Accept-Language sent to the API are the shop's own; the shopper's bundle carries none of them.
import { i18n } from '@/i18n'
import zhCN from './zh-CN'
import en from './en'

i18n.global.mergeLocaleMessage('zh-CN', { console: zhCN })
i18n.global.mergeLocaleMessage('en', { console: en })
