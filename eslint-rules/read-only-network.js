/**
 * `polylab/read-only-network`: every outbound request and socket send in the linted code
 * must be provably a read (README "Safety", docs/testing.md).
 *
 * - HTTP (`fetch`, `http(s).request/get`, undici): found by the checker's resolved
 *   signature, so aliases (`const f = fetch`) are calls of fetch too. The request's
 *   `method`, wherever it is spelled (literal, constant, spread, variable of a type), must
 *   have the type "GET" or "HEAD"; a `body` is refused; a `Request` object is refused.
 *   `const VERB = 'POST'` has the type "POST"; `['PO','ST'].join('')` has the type string:
 *   neither is GET, both fail.
 * - Socket sends (`ws`/DOM `WebSocket.send`, `dgram` send, writes to a `net`/`tls` socket
 *   or an HTTP client request): the payload is followed to every literal or
 *   `JSON.stringify` it can come from (origins.js); each must be a read — a bare
 *   `ping`/`pong`, or an object whose `type`/`op`/`method`/`event`/`action`/`operation`
 *   says subscribe, unsubscribe, ping, pong, heartbeat or market, with no order, auth or
 *   signature field. A payload that cannot be followed fails.
 * - No way around the calls: a sink used as a value (`.call`, `.bind`, passed along,
 *   destructured), reached through a computed member, or hidden by a type assertion, and a
 *   type assertion to a read-looking literal type (`'POST' as unknown as 'GET'`), all fail.
 * - Files in `serverFiles` (the lab's own API) may push to their own clients' sockets, but
 *   may not open a client WebSocket.
 * - The one write-looking frame allowed: PolyBolt's data-only auth frame, exactly
 *   `{op: 'auth', rid, auth: {apiKey, secret, passphrase}}` as an object literal written in a
 *   file of `authFrameFiles` (src/polymarket/wire/polyboltAuth.ts). The same shape anywhere
 *   else, or any other field next to it, still fails.
 */
import path from 'node:path';
import ts from 'typescript';
import { Origins } from './origins.js';
import { escapeVisitors } from './escapes.js';
import { DENIED_KEYS, DISCRIMINANTS, frameProblem, isReadWord, READ_METHODS } from './readVocabulary.js';

const SINK_NAMES = new Set([
  'fetch',
  'request',
  'get',
  'send',
  'write',
  'end',
  'sendBeacon',
  'stream',
  'pipeline',
  'connect',
  'upgrade',
  'dispatch',
]);
const SOCKET_TYPES = new Set(['Socket', 'TLSSocket', 'ClientRequest', 'ClientHttp2Stream', 'Http2Stream']);

/** What kind of network call a library declaration is, if any. */
function sinkOf(decl) {
  if (!decl) return null;
  const sf = decl.getSourceFile();
  if (!sf.isDeclarationFile) return null;
  const file = sf.fileName;
  const name = decl.name && ts.isIdentifier(decl.name) ? decl.name.text : null;
  if (name === 'fetch') return 'http';
  if (/@types\/node\/(http|https|http2)\.d\.ts$/.test(file) && ['request', 'get', 'connect'].includes(name)) return 'http';
  if (/\/undici(-types)?\//.test(file) && ['request', 'stream', 'pipeline', 'connect', 'upgrade', 'dispatch'].includes(name)) return 'http';
  if (name === 'sendBeacon') return 'forbidden';
  if (name === 'send' && (/@types\/ws\//.test(file) || /lib\.dom\.d\.ts$/.test(file) || /@types\/node\/dgram\.d\.ts$/.test(file)))
    return 'socket';
  return null;
}

function isSocketType(type) {
  const s = type.getSymbol() ?? type.aliasSymbol;
  return !!s && SOCKET_TYPES.has(s.getName()) && (s.declarations ?? []).some((d) => /@types\/node\//.test(d.getSourceFile().fileName));
}

const literalValues = (type) => {
  const parts = type.isUnion() ? type.types : [type];
  return parts.every((t) => t.isStringLiteral()) ? parts.map((t) => t.value) : null;
};

const cache = new WeakMap();

export default {
  meta: {
    type: 'problem',
    docs: { description: 'every outbound request and socket send is provably a read (GET, subscribe, ping)' },
    schema: [
      {
        type: 'object',
        properties: {
          scope: { type: 'array', items: { type: 'string' } },
          serverFiles: { type: 'array', items: { type: 'string' } },
          authFrameFiles: { type: 'array', items: { type: 'string' } },
        },
        additionalProperties: false,
      },
    ],
    messages: { notRead: '{{what}} is not provably a read: {{why}}' },
  },

  create(context) {
    const services = context.sourceCode.parserServices;
    if (!services?.program) throw new Error('polylab/read-only-network needs type information (parserOptions.projectService)');
    const program = services.program;
    const checker = program.getTypeChecker();
    const opts = context.options[0] ?? {};
    const abs = (p) => path.resolve(context.cwd, p);
    const scopes = (opts.scope ?? ['src']).map((s) => abs(s) + path.sep);
    const key = scopes.join('|');
    let perProgram = cache.get(program);
    if (!perProgram) cache.set(program, (perProgram = new Map()));
    if (!perProgram.has(key)) perProgram.set(key, new Origins(program, (f) => scopes.some((s) => f.startsWith(s))));
    const origins = perProgram.get(key);
    const server = (opts.serverFiles ?? []).some((f) => context.filename.startsWith(abs(f)));
    const authFiles = new Set((opts.authFrameFiles ?? []).map(abs));
    const tsOf = (n) => services.esTreeNodeToTSNodeMap.get(n);
    const report = (node, what, why) => context.report({ node, messageId: 'notRead', data: { what, why } });
    const typeOfProp = (type, name, at) => {
      const p = checker.getPropertyOfType(checker.getNonNullableType(type), name);
      return p ? checker.getNonNullableType(checker.getTypeOfSymbolAtLocation(p, at)) : null;
    };

    /**
     * Why an argument or a spread cannot be proven a read at all: its type says nothing
     * (`any` — `JSON.parse(…)`, `await r.json()` — `unknown`, a type parameter, an index
     * signature), or it comes from a call whose result the rule cannot follow.
     */
    function unprovable(expr, type) {
      if (type.flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown | ts.TypeFlags.TypeParameter))
        return `${expr.getText().slice(0, 40)} is of type ${checker.typeToString(type)}: it cannot be proven a read`;
      if (checker.getIndexInfosOfType(checker.getNonNullableType(type)).length > 0)
        return `${expr.getText().slice(0, 40)} has an index signature: it may carry any method`;
      let e = expr;
      while (ts.isAwaitExpression(e) || ts.isParenthesizedExpression(e) || ts.isNonNullExpression(e)) e = e.expression;
      if (ts.isCallExpression(e)) return `request options from a call (${e.getText().slice(0, 40)}) cannot be proven a read`;
      return null;
    }

    /** Problems with an HTTP call's arguments: method must be GET/HEAD, no body, no Request object. */
    function httpProblem(call) {
      for (const arg of call.arguments) {
        const type = checker.getTypeAtLocation(arg);
        if (type.getCallSignatures().length > 0 || type.flags & ts.TypeFlags.StringLike) continue;
        // A URL object is where to go, not how: only its own type is looked at below.
        const unsure = checker.typeToString(type) === 'URL' ? null : unprovable(arg, type);
        if (unsure) return unsure;
        if (ts.isObjectLiteralExpression(arg)) {
          for (const p of arg.properties) {
            const name = p.name && (ts.isIdentifier(p.name) || ts.isStringLiteral(p.name)) ? p.name.text : null;
            if (ts.isSpreadAssignment(p)) {
              const spread = checker.getTypeAtLocation(p.expression);
              const bad = unprovable(p.expression, spread) ?? typeProblem(spread, p.expression);
              if (bad) return bad;
            } else if (name === null) return 'a computed key in the request options';
            else if (name === 'method') {
              const v = literalValues(checker.getTypeAtLocation(ts.isPropertyAssignment(p) ? p.initializer : p.name));
              if (!v || !v.every((m) => READ_METHODS.has(m.toUpperCase()))) return `method ${p.getText()} is not the literal GET`;
            } else if (name === 'body') return 'a request body';
          }
        } else {
          const bad = typeProblem(type, arg);
          if (bad) return bad;
        }
      }
      return null;
    }

    function typeProblem(type, at) {
      const method = typeOfProp(type, 'method', at);
      if (method) {
        const v = literalValues(method);
        if (!v || !v.every((m) => READ_METHODS.has(m.toUpperCase())))
          return `${at.getText()} carries a method of type ${checker.typeToString(method)}`;
      }
      const body = typeOfProp(type, 'body', at);
      if (body && !(body.flags & (ts.TypeFlags.Undefined | ts.TypeFlags.Null | ts.TypeFlags.Never)))
        return `${at.getText()} may carry a body`;
      return null;
    }

    /** Problems with a socket payload: every origin must be a read frame. */
    function payloadProblem(payload) {
      if (!payload) return null;
      for (const o of origins.of(payload)) {
        const bad = originProblem(o);
        if (bad) return bad;
      }
      return null;
    }

    function originProblem(o) {
      if (o.kind === 'unproven') return o.why;
      if (o.kind === 'text') return textProblem(o.text);
      if (o.kind === 'json') {
        if (!o.arg) return 'JSON.stringify of nothing';
        for (const x of origins.of(o.arg)) {
          if (x.kind === 'unproven') return x.why;
          if (x.kind !== 'object') return `JSON.stringify of ${x.node.getText().slice(0, 40)}`;
          const bad = objectProblem(x.node);
          if (bad) return bad;
        }
        return null;
      }
      return `${o.node.getText().slice(0, 40)} is not a string`;
    }

    const textProblem = frameProblem;

    /** `{op: 'auth', rid, auth: {apiKey, secret, passphrase}}`, written in an allowed file. */
    function isAllowedAuthFrame(obj) {
      if (!authFiles.has(path.resolve(obj.getSourceFile().fileName))) return false;
      const props = new Map();
      for (const p of obj.properties) {
        if (!ts.isPropertyAssignment(p) || !p.name || !(ts.isIdentifier(p.name) || ts.isStringLiteral(p.name))) return false;
        props.set(p.name.text, p.initializer);
      }
      const keys = [...props.keys()].sort().join(',');
      const op = props.get('op');
      const auth = props.get('auth');
      if (keys !== 'auth,op,rid' || !op || !ts.isStringLiteral(op) || op.text !== 'auth' || !auth || !ts.isObjectLiteralExpression(auth))
        return false;
      const authKeys = auth.properties.map((p) => (p.name && (ts.isIdentifier(p.name) || ts.isStringLiteral(p.name)) ? p.name.text : '?'));
      return authKeys.sort().join(',') === 'apiKey,passphrase,secret';
    }

    function objectProblem(obj, seen = new Set()) {
      if (seen.has(obj)) return null;
      seen.add(obj);
      if (isAllowedAuthFrame(obj)) return null;
      let kinds = 0;
      for (const p of obj.properties) {
        if (ts.isSpreadAssignment(p)) {
          for (const x of origins.of(p.expression)) {
            if (x.kind !== 'object') return x.kind === 'unproven' ? x.why : 'a spread of something not an object';
            const bad = objectProblem(x.node, seen);
            if (bad && !/does not say what it is/.test(bad)) return bad;
            if (!bad) kinds += 1;
          }
          continue;
        }
        const name = p.name && (ts.isIdentifier(p.name) || ts.isStringLiteral(p.name)) ? p.name.text : null;
        if (name === null) return 'a computed key in a frame';
        if (DENIED_KEYS.has(name.toLowerCase())) return `a frame with a ${name} field`;
        if (!DISCRIMINANTS.has(name)) continue;
        kinds += 1;
        const value = ts.isPropertyAssignment(p) ? p.initializer : ts.isShorthandPropertyAssignment(p) ? p.name : null;
        if (!value) return `${name} is a method`;
        const lits = literalValues(checker.getTypeAtLocation(value));
        if (lits && lits.every(isReadWord)) continue;
        for (const x of origins.of(value)) {
          if (x.kind !== 'text') return x.kind === 'unproven' ? `${name}: ${x.why}` : `${name} is not a string`;
          if (!isReadWord(x.text)) return `${name} "${x.text}" is not a read`;
        }
      }
      return kinds > 0 ? null : `frame ${obj.getText().slice(0, 40)} does not say what it is`;
    }

    const calledAt = (node) => {
      const p = node.parent;
      return (p.type === 'CallExpression' || p.type === 'NewExpression') && p.callee === node;
    };

    /** A reference to a network call that is not itself the call. */
    function sinkValue(node) {
      const t = checker.getTypeAtLocation(tsOf(node));
      if (t.getCallSignatures().some((s) => sinkOf(s.getDeclaration()))) return true;
      return (
        node.type === 'MemberExpression' &&
        isSocketType(checker.getTypeAtLocation(tsOf(node.object))) &&
        ['write', 'end'].includes(node.property.name)
      );
    }

    function hasSinkMember(type) {
      if (isSocketType(type)) return true;
      return [...SINK_NAMES].some((n) => {
        const p = checker.getPropertyOfType(type, n);
        return (
          !!p &&
          checker
            .getTypeOfSymbol(p)
            .getCallSignatures()
            .some((s) => sinkOf(s.getDeclaration()))
        );
      });
    }

    function checkCall(node) {
      const call = tsOf(node);
      const sig = checker.getResolvedSignature(call);
      let kind = sinkOf(sig?.getDeclaration());
      const callee = node.callee;
      if (
        !kind &&
        callee.type === 'MemberExpression' &&
        !callee.computed &&
        ['write', 'end'].includes(callee.property.name) &&
        isSocketType(checker.getTypeAtLocation(tsOf(callee.object)))
      )
        kind = 'socket';
      if (!kind) return;
      const what = `${callee.type === 'MemberExpression' && !callee.computed ? callee.property.name : context.sourceCode.getText(callee)}()`;
      if (kind === 'forbidden') return report(node, what, 'it only ever sends');
      if (kind === 'http') {
        const bad = httpProblem(call);
        if (bad) report(node, what, bad);
        return;
      }
      if (server) return; // the lab's own API answering its own clients
      const bad = payloadProblem(call.arguments[0]);
      if (bad) report(node, what, bad);
    }

    /** Holds a network call: a sink member, a sink itself, or a class whose instances have one (WebSocket). */
    const networkish = (type) =>
      hasSinkMember(type) ||
      type.getCallSignatures().some((s) => sinkOf(s.getDeclaration())) ||
      type.getConstructSignatures().some((s) => hasSinkMember(s.getReturnType()));
    const escapes = escapeVisitors({ checker, tsOf, report, networkish });

    return {
      ...escapes,
      CallExpression(node) {
        checkCall(node);
        escapes.CallExpression(node);
      },
      NewExpression(node) {
        escapes.NewExpression(node);
        if (!server) return;
        const decl = checker.getResolvedSignature(tsOf(node))?.getDeclaration();
        const file = decl?.getSourceFile().fileName ?? '';
        if (/@types\/ws\/|lib\.dom\.d\.ts$/.test(file) && checker.typeToString(checker.getTypeAtLocation(tsOf(node))) === 'WebSocket') {
          report(node, 'new WebSocket()', 'the API room opens no client socket');
        }
      },
      MemberExpression(node) {
        if (node.computed && node.property.type !== 'Literal') {
          if (hasSinkMember(checker.getTypeAtLocation(tsOf(node.object))))
            report(node, context.sourceCode.getText(node), 'a computed member of a network object');
          return;
        }
        const name = node.computed ? String(node.property.value) : node.property.name;
        if (SINK_NAMES.has(name) && !calledAt(node) && sinkValue(node))
          report(node, context.sourceCode.getText(node), 'a network call used as a value');
      },
      Identifier(node) {
        const p = node.parent;
        if (!SINK_NAMES.has(node.name) || calledAt(node)) return;
        if ((p.type === 'MemberExpression' && p.property === node) || (p.type === 'Property' && p.key === node)) return;
        if (
          /^(Import|Export)|^TS|Definition$|^(FunctionDeclaration|ClassDeclaration)$/.test(p.type) ||
          (p.type === 'VariableDeclarator' && p.id === node)
        )
          return;
        if (sinkValue(node)) report(node, node.name, 'a network call used as a value');
      },
      'ObjectPattern > Property'(node) {
        const name = node.key.type === 'Identifier' ? node.key.name : node.key.type === 'Literal' ? String(node.key.value) : null;
        if (name === null) return report(node, 'a computed destructuring', 'it could take out a network call');
        if (SINK_NAMES.has(name) && sinkValue(node.value.type === 'AssignmentPattern' ? node.value.left : node.value))
          report(node, name, 'a network call taken out as a value');
      },
      'TSAsExpression, TSTypeAssertion'(node) {
        const ann = node.typeAnnotation;
        if (ann.type === 'TSTypeReference' && ann.typeName.type === 'Identifier' && ann.typeName.name === 'const') return;
        const target = checker.getTypeFromTypeNode(tsOf(ann));
        const lits = (target.isUnion() ? target.types : [target]).filter((t) => t.isStringLiteral()).map((t) => t.value);
        const forged = lits.find((v) => READ_METHODS.has(v.toUpperCase()) || isReadWord(v));
        if (forged) return report(node, 'a type assertion', `it could forge "${forged}"`);
        const inner = checker.getTypeAtLocation(tsOf(node.expression));
        if (
          inner.getCallSignatures().some((s) => sinkOf(s.getDeclaration())) &&
          !target.getCallSignatures().some((s) => sinkOf(s.getDeclaration()))
        ) {
          report(node, 'a type assertion', 'it hides a network call');
        } else if (hasSinkMember(inner) && !hasSinkMember(target)) {
          report(node, 'a type assertion', 'it hides a network object');
        }
      },
    };
  },
};
