/**
 * Ports of the Kubernetes name and label checks the API server runs on
 * create, with the same regular expressions, length limits and messages.
 *
 * Source: kubernetes/apimachinery `pkg/util/validation/validation.go`
 * (IsDNS1123Label, IsDNS1123Subdomain, IsQualifiedName, IsValidLabelValue,
 * RegexError, MaxLenError, EmptyError).
 */

const dns1123LabelFmt = '[a-z0-9]([-a-z0-9]*[a-z0-9])?';
const dns1123LabelErrMsg =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character";
/** DNS1123LabelMaxLength */
export const DNS1123_LABEL_MAX_LENGTH = 63;
const dns1123LabelRegexp = new RegExp(`^${dns1123LabelFmt}$`);

const dns1123SubdomainFmt = `${dns1123LabelFmt}(\\.${dns1123LabelFmt})*`;
const dns1123SubdomainErrMsg =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character";
/** DNS1123SubdomainMaxLength */
export const DNS1123_SUBDOMAIN_MAX_LENGTH = 253;
const dns1123SubdomainRegexp = new RegExp(`^${dns1123SubdomainFmt}$`);

const qnameCharFmt = '[A-Za-z0-9]';
const qnameExtCharFmt = '[-A-Za-z0-9_.]';
const qualifiedNameFmt = `(${qnameCharFmt}${qnameExtCharFmt}*)?${qnameCharFmt}`;
const qualifiedNameErrMsg =
  "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
const qualifiedNameMaxLength = 63;
const qualifiedNameRegexp = new RegExp(`^${qualifiedNameFmt}$`);

const labelValueFmt = `(${qualifiedNameFmt})?`;
const labelValueErrMsg =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
/** LabelValueMaxLength */
export const LABEL_VALUE_MAX_LENGTH = 63;
const labelValueRegexp = new RegExp(`^${labelValueFmt}$`);

/** apimachinery RegexError */
function regexError(msg: string, fmt: string, ...examples: string[]): string {
  const eg =
    examples.length === 0
      ? ''
      : `e.g. ${examples.map(e => `'${e}'`).join(', or ')}, `;
  return `${msg} (${eg}regex used for validation is '${fmt}')`;
}

/** apimachinery MaxLenError */
function maxLenError(length: number): string {
  return `must be no more than ${length} characters`;
}

/** apimachinery IsDNS1123Label: the messages, empty when valid. */
export function isDNS1123Label(value: string): string[] {
  const errs: string[] = [];
  if (value.length > DNS1123_LABEL_MAX_LENGTH) {
    errs.push(maxLenError(DNS1123_LABEL_MAX_LENGTH));
  }
  if (!dns1123LabelRegexp.test(value)) {
    errs.push(
      regexError(dns1123LabelErrMsg, dns1123LabelFmt, 'my-name', '123-abc'),
    );
  }
  return errs;
}

/** apimachinery IsDNS1123Subdomain: the messages, empty when valid. */
export function isDNS1123Subdomain(value: string): string[] {
  const errs: string[] = [];
  if (value.length > DNS1123_SUBDOMAIN_MAX_LENGTH) {
    errs.push(maxLenError(DNS1123_SUBDOMAIN_MAX_LENGTH));
  }
  if (!dns1123SubdomainRegexp.test(value)) {
    errs.push(
      regexError(dns1123SubdomainErrMsg, dns1123SubdomainFmt, 'example.com'),
    );
  }
  return errs;
}

/**
 * apimachinery IsQualifiedName: label keys, annotation keys and finalizers.
 * An optional DNS-1123 subdomain prefix and '/', then a name of at most 63
 * characters of [A-Za-z0-9._-], starting and ending alphanumeric.
 */
export function isQualifiedName(value: string): string[] {
  const errs: string[] = [];
  const parts = value.split('/');
  let name: string;
  if (parts.length === 1) {
    name = parts[0];
  } else if (parts.length === 2) {
    const prefix = parts[0];
    name = parts[1];
    if (prefix.length === 0) {
      errs.push('prefix part must be non-empty');
    } else {
      errs.push(...isDNS1123Subdomain(prefix).map(m => `prefix part ${m}`));
    }
  } else {
    return [
      `a qualified name ${regexError(
        qualifiedNameErrMsg,
        qualifiedNameFmt,
        'MyName',
        'my.name',
        '123-abc',
      )} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`,
    ];
  }
  if (name.length === 0) {
    errs.push('name part must be non-empty');
  } else if (name.length > qualifiedNameMaxLength) {
    errs.push(`name part ${maxLenError(qualifiedNameMaxLength)}`);
  }
  if (!qualifiedNameRegexp.test(name)) {
    errs.push(
      `name part ${regexError(
        qualifiedNameErrMsg,
        qualifiedNameFmt,
        'MyName',
        'my.name',
        '123-abc',
      )}`,
    );
  }
  return errs;
}

/** apimachinery IsValidLabelValue: empty, or ≤63 of [A-Za-z0-9._-] starting/ending alphanumeric. */
export function isValidLabelValue(value: string): string[] {
  const errs: string[] = [];
  if (value.length > LABEL_VALUE_MAX_LENGTH) {
    errs.push(maxLenError(LABEL_VALUE_MAX_LENGTH));
  }
  if (!labelValueRegexp.test(value)) {
    errs.push(
      regexError(
        labelValueErrMsg,
        labelValueFmt,
        'MyValue',
        'my_value',
        '12345',
      ),
    );
  }
  return errs;
}

/**
 * apimachinery `pkg/api/validation/generic.go` maskTrailingDash: a
 * generateName prefix may end in '-', the server appends a random suffix.
 */
export function maskTrailingDash(name: string): string {
  return name.length > 1 && name.endsWith('-') ? `${name.slice(0, -2)}a` : name;
}
