/**
 * The page number of `rel="next"` in GitHub's `link` header (wire reference §3 "Pagination"),
 * or null on the last page (GitHub omits the header when everything fits on one page).
 */
export function nextPageFromLink(link: string | undefined): number | null {
  if (!link) return null;
  for (const part of link.split(',')) {
    const match = /<([^>]+)>\s*;\s*rel="([^"]+)"/.exec(part);
    if (!match?.[1] || !match[2]?.split(/\s+/).includes('next')) continue;
    let page: string | null = null;
    try {
      page = new URL(match[1]).searchParams.get('page');
    } catch {
      return null;
    }
    return page !== null && /^\d+$/.test(page) ? Number(page) : null;
  }
  return null;
}
