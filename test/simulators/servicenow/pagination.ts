/** Builds the `Link` header of a list page, or undefined when everything fits on one page. */
export function linkHeader(requestUrl: URL, offset: number, limit: number, total: number): string | undefined {
  if (total <= limit) return undefined;
  const at = (pageOffset: number): string => {
    const url = new URL(requestUrl.href);
    url.searchParams.set('sysparm_limit', String(limit));
    url.searchParams.set('sysparm_offset', String(pageOffset));
    return `<${url.href}>`;
  };
  const links = [`${at(0)};rel="first"`];
  if (offset > 0) links.push(`${at(Math.max(0, offset - limit))};rel="prev"`);
  if (offset + limit < total) links.push(`${at(offset + limit)};rel="next"`);
  links.push(`${at(Math.floor((total - 1) / limit) * limit)};rel="last"`);
  return links.join(',');
}
