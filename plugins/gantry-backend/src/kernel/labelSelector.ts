import { InputError } from '@backstage/errors';

/*
 * Kubernetes label selectors (k8s.io/apimachinery/pkg/labels/selector.go), parsed and
 * matched by hand: @kubernetes/client-node only passes selector strings through to the
 * API server, and no maintained npm package parses them. Both the listing of an entity's
 * Rollouts and the check that a Rollout belongs to the entity use this one implementation.
 */

export type LabelOperator =
  | '='
  | '=='
  | '!='
  | 'in'
  | 'notin'
  | 'exists'
  | '!'
  | '>'
  | '<';

export interface LabelRequirement {
  key: string;
  operator: LabelOperator;
  values: string[];
}

export interface LabelSelector {
  requirements: LabelRequirement[];
  /** The selector in the API server's syntax, for `?labelSelector=`. */
  text: string;
}

const NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const DNS_SUBDOMAIN =
  /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const INTEGER = /^[+-]?\d+$/;

function keyProblem(key: string): string | undefined {
  const slash = key.indexOf('/');
  const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  if (
    prefix !== undefined &&
    !(prefix.length <= 253 && DNS_SUBDOMAIN.test(prefix))
  )
    return `the prefix '${prefix}' of key '${key}' is not a DNS subdomain`;
  if (!(name.length <= 63 && NAME.test(name)))
    return `'${key}' is not a label key (at most 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit, optionally after a 'prefix/')`;
  return undefined;
}

function valueProblem(value: string): string | undefined {
  return value.length <= 63 && VALUE.test(value)
    ? undefined
    : `'${value}' is not a label value (at most 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit)`;
}

type Token =
  | { kind: 'word'; text: string }
  | { kind: 'op'; text: '=' | '==' | '!=' | '!' | '>' | '<' | '(' | ')' | ',' };

function tokenize(input: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < input.length) {
    const c = input[i];
    if (/\s/.test(c)) {
      i++;
    } else if (c === '=' || c === '!') {
      const two = input.slice(i, i + 2);
      if (two === '==' || two === '!=') {
        tokens.push({ kind: 'op', text: two });
        i += 2;
      } else {
        tokens.push({ kind: 'op', text: c });
        i++;
      }
    } else if ('()<>,'.includes(c)) {
      tokens.push({ kind: 'op', text: c as '(' | ')' | '<' | '>' | ',' });
      i++;
    } else {
      let j = i;
      while (j < input.length && !/[\s=!()<>,]/.test(input[j])) j++;
      tokens.push({ kind: 'word', text: input.slice(i, j) });
      i = j;
    }
  }
  return tokens;
}

/** Parses a selector such as `app in (checkout, cart),tier!=batch,!legacy`; throws InputError saying what is wrong. */
export function parseLabelSelector(input: string): LabelSelector {
  const tokens = tokenize(input);
  const requirements: LabelRequirement[] = [];
  let p = 0;
  const fail = (why: string): never => {
    throw new InputError(
      `'${input}' is not a Kubernetes label selector: ${why}.`,
    );
  };
  const next = () => tokens[p++];
  const peek = () => tokens[p];
  const word = (what: string) => {
    const t = next();
    if (!t || t.kind !== 'word')
      fail(`expected ${what}${t ? ` but found '${t.text}'` : ' at the end'}`);
    return (t as { text: string }).text;
  };
  const checkKey = (key: string) => {
    const problem = keyProblem(key);
    if (problem) fail(problem);
  };
  const checkValue = (value: string) => {
    const problem = valueProblem(value);
    if (problem) fail(problem);
  };

  while (p < tokens.length) {
    let t = peek();
    if (t.kind === 'op' && t.text === '!') {
      next();
      const key = word('a label key after !');
      checkKey(key);
      requirements.push({ key, operator: '!', values: [] });
    } else {
      const key = word('a label key');
      checkKey(key);
      t = peek();
      if (!t || (t.kind === 'op' && t.text === ',')) {
        requirements.push({ key, operator: 'exists', values: [] });
      } else if (t.kind === 'word' && (t.text === 'in' || t.text === 'notin')) {
        next();
        const open = next();
        if (!open || open.text !== '(')
          fail(`expected '(' after '${key} ${t.text}'`);
        const values: string[] = [];
        for (;;) {
          const v = peek();
          if (!v) fail(`the value list of '${key}' is not closed with ')'`);
          if (v.kind === 'word') {
            next();
            checkValue(v.text);
            values.push(v.text);
          } else if (v.text === ',' || v.text === ')') {
            // an empty element is the empty value, as in Kubernetes (`in (a,)`, `in ()`)
            values.push('');
          } else {
            fail(`unexpected '${v.text}' in the value list of '${key}'`);
          }
          const sep = next();
          if (!sep) fail(`the value list of '${key}' is not closed with ')'`);
          if (sep.text === ')') break;
          if (sep.text !== ',')
            fail(
              `expected ',' or ')' in the value list of '${key}' but found '${sep.text}'`,
            );
        }
        requirements.push({
          key,
          operator: t.text,
          values: [...new Set(values)].sort(),
        });
      } else if (
        t.kind === 'op' &&
        (t.text === '=' ||
          t.text === '==' ||
          t.text === '!=' ||
          t.text === '>' ||
          t.text === '<')
      ) {
        next();
        const v = peek();
        const value = v && v.kind === 'word' ? (next(), v.text) : '';
        if ((t.text === '>' || t.text === '<') && !INTEGER.test(value))
          fail(`'${key} ${t.text}' needs an integer, not '${value}'`);
        else checkValue(value);
        requirements.push({ key, operator: t.text, values: [value] });
      } else {
        fail(
          `expected an operator (=, ==, !=, in, notin, >, <) after '${key}' but found '${t.text}'`,
        );
      }
    }
    const sep = next();
    if (sep && !(sep.kind === 'op' && sep.text === ','))
      fail(`expected ',' between requirements but found '${sep.text}'`);
    if (sep && !peek()) fail('a trailing comma ends it');
  }
  return { requirements, text: requirements.map(requirementText).join(',') };
}

function requirementText(r: LabelRequirement): string {
  switch (r.operator) {
    case 'exists':
      return r.key;
    case '!':
      return `!${r.key}`;
    case 'in':
    case 'notin':
      return `${r.key} ${r.operator} (${r.values.join(',')})`;
    default:
      return `${r.key}${r.operator}${r.values[0]}`;
  }
}

/** Whether an object with these labels is selected (Requirement.Matches in apimachinery). */
export function matchesLabels(
  selector: LabelSelector,
  labels: Record<string, string | undefined>,
): boolean {
  return selector.requirements.every(r => {
    const has =
      Object.prototype.hasOwnProperty.call(labels, r.key) &&
      labels[r.key] !== undefined;
    const value = labels[r.key] as string;
    switch (r.operator) {
      case '=':
      case '==':
      case 'in':
        return has && r.values.includes(value);
      case '!=':
      case 'notin':
        return !has || !r.values.includes(value);
      case 'exists':
        return has;
      case '!':
        return !has;
      case '>':
      case '<': {
        if (!has || !INTEGER.test(value)) return false;
        const [l, v] = [BigInt(value), BigInt(r.values[0])];
        return r.operator === '>' ? l > v : l < v;
      }
      default:
        return false;
    }
  });
}
