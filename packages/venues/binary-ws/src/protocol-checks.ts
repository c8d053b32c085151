import type { z } from 'zod';
import { compilePath, DOT_PATH_PATTERN, readId, readNumber, readPath } from './dot-path.js';
import type { ProtocolObject } from './protocol-schema.js';
import { type JsonValue, PLACEHOLDERS, placeholderUses } from './template.js';

type IssuePath = readonly (string | number)[];

/** The placeholders an operation's template needs and may use (`token` and `reqId` may go anywhere). */
const TEMPLATE_RULES: Readonly<
  Record<string, { required: readonly string[]; optional: readonly string[]; oneOf?: readonly string[] }>
> = {
  auth: { required: ['token'], optional: [] },
  balance: { required: [], optional: [] },
  buy: {
    required: ['symbol', 'direction', 'stake', 'duration', 'durationUnit'],
    optional: ['clientId', 'currency', 'maxPrice'],
  },
  follow: { required: ['contractId'], optional: [] },
  unfollow: { required: ['contractId'], optional: [] },
  contractsSince: { required: [], optional: ['sinceMs', 'sinceSec'], oneOf: ['sinceMs', 'sinceSec'] },
  ticks: { required: ['symbol'], optional: [] },
};

const REQUIRED_CONTRACT_FIELDS = ['contractId', 'buyPrice', 'payout', 'purchaseTime', 'status'] as const;
const OPTIONAL_CONTRACT_FIELDS = [
  'symbol',
  'direction',
  'profit',
  'sellPrice',
  'entrySpot',
  'entryTime',
  'exitSpot',
  'exitTime',
  'clientId',
] as const;

/**
 * The cross-field checks of a protocol, so that a typo fails at load and not at the first trade:
 * placeholders (unknown, misplaced, missing), reply matching, the status table, and every configured
 * path against the operation's `example` reply when one is given. Each issue names its path.
 */
export function checkProtocol(p: ProtocolObject, ctx: z.RefinementCtx): void {
  const issue = (path: IssuePath, message: string): void => {
    ctx.addIssue({ code: 'custom', path: [...path], message });
  };
  const ops = p.operations;
  const templates: [string, IssuePath, Readonly<Record<string, JsonValue>>, unknown][] = [
    ['auth', ['operations', 'auth'], ops.auth.request, ops.auth.replyType],
    ['buy', ['operations', 'buy'], ops.buy.request, ops.buy.replyType],
    ['follow', ['operations', 'follow'], ops.follow.request, ops.follow.replyType],
    [
      'contractsSince',
      ['operations', 'contractsSince'],
      ops.contractsSince.request,
      ops.contractsSince.replyType,
    ],
  ];
  if (ops.balance)
    templates.push(['balance', ['operations', 'balance'], ops.balance.request, ops.balance.replyType]);
  if (ops.follow.unfollow) {
    const u = ops.follow.unfollow;
    templates.push(['unfollow', ['operations', 'follow', 'unfollow'], u.request, u.replyType]);
  }
  if (ops.ticks) templates.push(['ticks', ['operations', 'ticks'], ops.ticks.request, ops.ticks.replyType]);
  for (const [op, at, request, replyType] of templates) {
    checkTemplate(op, [...at, 'request'], request, p.match.by === 'id', issue);
    if (p.match.by === 'type' && replyType === undefined) {
      issue(
        [...at, 'replyType'],
        `needed when match.by is "type": the value at ${p.match.path} of its reply`,
      );
    }
  }

  const statuses = new Set(Object.values(p.contract.statusMap));
  for (const s of ['open', 'won', 'lost'] as const) {
    if (!statuses.has(s)) issue(['contract', 'statusMap'], `must map some platform value to "${s}"`);
  }
  if (ops.auth.account.balance === undefined && ops.balance === undefined) {
    issue(['operations', 'auth', 'account', 'balance'], 'set it, or configure operations.balance');
  }
  if (ops.ticks && ops.ticks.quotes.price === undefined) {
    if (ops.ticks.quotes.bid === undefined || ops.ticks.quotes.ask === undefined) {
      issue(['operations', 'ticks', 'quotes'], 'needs price, or both bid and ask');
    }
  }
  checkExamples(p, issue);
}

function checkTemplate(
  op: string,
  at: IssuePath,
  request: Readonly<Record<string, JsonValue>>,
  needsReqId: boolean,
  issue: (path: IssuePath, message: string) => void,
): void {
  const rule = TEMPLATE_RULES[op] ?? { required: [], optional: [] };
  const allowed = new Set<string>(['token', 'reqId', ...rule.required, ...rule.optional]);
  const used = new Set<string>();
  for (const use of placeholderUses(request)) {
    const where = [...at, ...use.path];
    if (use.name.startsWith('key:')) {
      issue(where, `placeholders go in values, not in keys ({{${use.name.slice(4)}}})`);
    } else if (!(PLACEHOLDERS as readonly string[]).includes(use.name)) {
      issue(
        where,
        `unknown placeholder {{${use.name}}}; known: ${PLACEHOLDERS.map((n) => `{{${n}}}`).join(' ')}`,
      );
    } else if (!allowed.has(use.name)) {
      issue(
        where,
        `{{${use.name}}} has no value in ${op}; it may use ${[...allowed].map((n) => `{{${n}}}`).join(' ')}`,
      );
    } else used.add(use.name);
  }
  const required = needsReqId ? [...rule.required, 'reqId'] : rule.required;
  for (const name of required) {
    if (!used.has(name)) issue(at, `must contain {{${name}}}`);
  }
  if (rule.oneOf && !rule.oneOf.some((n) => used.has(n))) {
    issue(at, `must contain one of ${rule.oneOf.map((n) => `{{${n}}}`).join(' ')}`);
  }
}

function checkExamples(p: ProtocolObject, issue: (path: IssuePath, message: string) => void): void {
  const ops = p.operations;
  const has = (value: unknown, path: string): boolean => readPath(value, compilePath(path)) !== undefined;
  const expect = (
    value: unknown,
    field: IssuePath,
    path: string | undefined,
    source: string,
    kind = 'any',
  ): void => {
    // A path that is not a dot path has its own issue already.
    if (path === undefined || !DOT_PATH_PATTERN.test(path)) return;
    const ok =
      kind === 'number'
        ? readNumber(value, compilePath(path)) !== undefined
        : kind === 'id'
          ? readId(value, compilePath(path)) !== undefined
          : has(value, path);
    if (!ok) issue(field, `${path} is not ${kind === 'any' ? 'in' : `a ${kind} in`} ${source}`);
  };
  const replyMatch = (value: unknown, at: IssuePath, replyType: unknown, source: string): void => {
    if (!DOT_PATH_PATTERN.test(p.match.path)) return;
    const found = readPath(value, compilePath(p.match.path));
    if (p.match.by === 'id' && readId(value, compilePath(p.match.path)) === undefined) {
      issue(['match', 'path'], `${p.match.path} (the echoed request id) is not in ${source}`);
    } else if (p.match.by === 'type' && replyType !== undefined && found !== replyType) {
      issue([...at, 'replyType'], `${source} has ${JSON.stringify(found)} at ${p.match.path}`);
    }
  };

  if (ops.auth.example) {
    const src = 'operations.auth.example';
    replyMatch(ops.auth.example, ['operations', 'auth'], ops.auth.replyType, src);
    const a = ops.auth.account;
    expect(ops.auth.example, ['operations', 'auth', 'account', 'currency'], a.currency, src);
    expect(ops.auth.example, ['operations', 'auth', 'account', 'balance'], a.balance, src, 'number');
    expect(ops.auth.example, ['operations', 'auth', 'account', 'accountId'], a.accountId, src, 'id');
  }
  if (ops.balance?.example) {
    const src = 'operations.balance.example';
    replyMatch(ops.balance.example, ['operations', 'balance'], ops.balance.replyType, src);
    expect(ops.balance.example, ['operations', 'balance', 'balance'], ops.balance.balance, src, 'number');
    expect(ops.balance.example, ['operations', 'balance', 'currency'], ops.balance.currency, src);
  }
  if (p.error.example) {
    expect(p.error.example, ['error', 'path'], p.error.path, 'error.example');
    expect(p.error.example, ['error', 'code'], p.error.code, 'error.example', 'id');
    expect(p.error.example, ['error', 'message'], p.error.message, 'error.example');
  }

  /** Contract objects found in the examples, with where they came from. */
  const contracts: [unknown, string][] = [];
  const rootOf = (value: unknown, root: string | undefined, at: IssuePath, src: string): unknown => {
    if (root === undefined || !DOT_PATH_PATTERN.test(root)) return value;
    const inner = readPath(value, compilePath(root));
    if (typeof inner !== 'object' || inner === null) issue(at, `${root} is not an object in ${src}`);
    return inner;
  };
  if (ops.buy.example) {
    const src = 'operations.buy.example';
    replyMatch(ops.buy.example, ['operations', 'buy'], ops.buy.replyType, src);
    contracts.push([
      rootOf(ops.buy.example, ops.buy.contractRoot, ['operations', 'buy', 'contractRoot'], src),
      src,
    ]);
  }
  const updates = ops.follow.updates;
  if (updates.example) {
    const src = 'operations.follow.updates.example';
    if (readPath(updates.example, compilePath(updates.when.path)) !== updates.when.equals) {
      issue(['operations', 'follow', 'updates', 'when'], `${src} does not match it`);
    }
    contracts.push([
      rootOf(updates.example, updates.contractRoot, ['operations', 'follow', 'updates', 'contractRoot'], src),
      src,
    ]);
  }
  if (ops.contractsSince.example) {
    const src = 'operations.contractsSince.example';
    replyMatch(
      ops.contractsSince.example,
      ['operations', 'contractsSince'],
      ops.contractsSince.replyType,
      src,
    );
    const list = readPath(ops.contractsSince.example, compilePath(ops.contractsSince.list));
    if (!Array.isArray(list) || list.length === 0) {
      issue(
        ['operations', 'contractsSince', 'list'],
        `${ops.contractsSince.list} is not a non-empty array in ${src}`,
      );
    } else contracts.push([list[0], `${src} (${ops.contractsSince.list}.0)`]);
  }
  const c = p.contract;
  for (const [value, src] of contracts) {
    for (const field of REQUIRED_CONTRACT_FIELDS) {
      expect(
        value,
        ['contract', field],
        c[field],
        src,
        field === 'contractId' ? 'id' : field === 'status' ? 'any' : 'number',
      );
    }
    const status = readPath(value, compilePath(c.status));
    if (status !== undefined && c.statusMap[String(status)] === undefined) {
      issue(['contract', 'statusMap'], `has no entry for "${status}" (the status in ${src})`);
    }
  }
  if (contracts.length > 0) {
    for (const field of OPTIONAL_CONTRACT_FIELDS) {
      const path = c[field];
      if (
        path !== undefined &&
        DOT_PATH_PATTERN.test(path) &&
        !contracts.some(([value]) => has(value, path))
      ) {
        issue(
          ['contract', field],
          `${path} is in none of the examples (${contracts.map(([, s]) => s).join(', ')})`,
        );
      }
    }
  }
  const q = ops.ticks?.quotes;
  if (q?.example) {
    const src = 'operations.ticks.quotes.example';
    if (readPath(q.example, compilePath(q.when.path)) !== q.when.equals) {
      issue(['operations', 'ticks', 'quotes', 'when'], `${src} does not match it`);
    }
    for (const field of ['symbol', 'price', 'bid', 'ask', 'time'] as const) {
      expect(
        q.example,
        ['operations', 'ticks', 'quotes', field],
        q[field],
        src,
        field === 'symbol' ? 'id' : 'number',
      );
    }
  }
}
