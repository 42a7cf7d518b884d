// SKU specs as an operator types them: "颜色:红, 尺码:L" (Chinese or ASCII separators) ↔ { 颜色: '红', 尺码: 'L' }.

export function parseSpecs(text: string): Record<string, string> {
  const specs: Record<string, string> = {}
  for (const part of text.split(/[,，;；]/)) {
    const [name, value] = part.split(/[:：=]/).map((s) => s.trim())
    if (name && value) specs[name] = value
  }
  return specs
}

export function formatSpecs(specs: Record<string, string> | undefined): string {
  return Object.entries(specs ?? {})
    .map(([name, value]) => `${name}:${value}`)
    .join(', ')
}
