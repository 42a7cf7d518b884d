/**
 * Province/city/district from @vant/area-data (codes: 6 digits, province 2 + city 2 + district 2). Addresses keep
 * the names; the picker works on the district's code. The data is loaded when a form needs it, not with the app.
 */
export interface AreaList {
  province_list: Record<string, string>
  city_list: Record<string, string>
  county_list: Record<string, string>
}

export interface Region {
  province: string
  city: string
  district: string
}

/** The names of a district code, or null when the code is not a district of the list. */
export function regionOf(list: AreaList, code: string): Region | null {
  const district = list.county_list[code]
  const city = list.city_list[`${code.slice(0, 4)}00`]
  const province = list.province_list[`${code.slice(0, 2)}0000`]
  return district && city && province ? { province, city, district } : null
}

/** The district code of a stored address (names), or '' when the names are not a known triple (an old typed address). */
export function codeOf(list: AreaList, region: Region): string {
  for (const [code, district] of Object.entries(list.county_list)) {
    if (district !== region.district) continue
    const names = regionOf(list, code)
    if (names && names.city === region.city && names.province === region.province) return code
  }
  return ''
}

export interface AreaOption {
  text: string
  value: string
  children?: AreaOption[]
}

/** The list (for names ↔ codes) and the cascader's tree, from one lazily loaded chunk. */
export async function loadAreaData(): Promise<{ list: AreaList; options: AreaOption[] }> {
  const data = await import('@vant/area-data')
  return { list: data.areaList, options: data.useCascaderAreaData() }
}
