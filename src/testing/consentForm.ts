/**
 * Reads the kit's consent page the way a browser submits it: the form's action and its hidden fields (the
 * authorization request and the CSRF token), so a test can post the decision without a browser.
 *
 * @see ../pages/consentPage.ts the markup read here (same package, so the two change together)
 */

/** What `escape-html` turns the five special characters into, reversed. */
const ENTITIES: Record<string, string> = { '&amp;': '&', '&quot;': '"', '&#39;': "'", '&lt;': '<', '&gt;': '>' };
const unescapeHtml = (s: string) => s.replace(/&(?:amp|quot|#39|lt|gt);/g, (m) => ENTITIES[m]);

export interface ConsentForm {
  /** The form's `action`, as written (a path on the issuer's origin). */
  action: string;
  /** The hidden fields, in document order; the caller adds `decision`. */
  fields: Array<[string, string]>;
  /**
   * With organizations on: the `organization` radio values offered (`''` is the personal account) and the one
   * preselected; the caller posts one of them as `organization`.
   */
  organizations?: { values: string[]; selected?: string };
}

/** The organization choice of the form: its radio values and the checked one. */
function readOrganizations(form: string): ConsentForm['organizations'] {
  const radios = [...form.matchAll(/<input type="radio" name="organization" value="([^"]*)"( checked)?/g)];
  if (radios.length === 0) return undefined;
  const checked = radios.find((m) => m[2] !== undefined);
  return { values: radios.map((m) => unescapeHtml(m[1])), ...(checked ? { selected: unescapeHtml(checked[1]) } : {}) };
}

/** The consent form of a page, or `undefined` when the page has none (an error page, a sign-in page). */
export function readConsentForm(html: string): ConsentForm | undefined {
  const form = /<form method="post" action="([^"]*)">([\s\S]*?)<\/form>/.exec(html);
  if (!form || !/name="decision" value="allow"/.test(form[2])) return undefined;
  const fields = [...form[2].matchAll(/<input type="hidden" name="([^"]*)" value="([^"]*)">/g)].map(
    (m) => [unescapeHtml(m[1]), unescapeHtml(m[2])] as [string, string],
  );
  const organizations = readOrganizations(form[2]);
  return { action: unescapeHtml(form[1]), fields, ...(organizations ? { organizations } : {}) };
}
