/**
 * The ways around a read-only network check that are not network calls themselves, for
 * polylab/read-only-network: anything that runs code or a program we cannot see, or reaches
 * a network call by reflection.
 *
 * - Modules that run other programs or code from strings: `child_process` (`execFile('curl',
 *   ['-X', 'POST', …])`), `vm`, `cluster`; imported, required or dynamically imported.
 * - `eval`, `new Function(…)`/`Function(…)`, and a `worker_threads` Worker started with
 *   `eval: true` (its first argument is then code, not a file). A Worker started from a
 *   file (a URL or path, `eval` absent or false) is allowed: its file is linted like any other.
 * - `import()` of a specifier that is not a literal.
 * - Reflection on a network object: `Reflect.get(globalThis, 'fet' + 'ch')`, `Reflect.apply`,
 *   `Object.getOwnPropertyDescriptor(http, …)`, `Object.values(globalThis)` … — any `Reflect.*`
 *   or `Object.*` call given something that holds a network call (globalThis holds fetch).
 */
import ts from 'typescript';

const FORBIDDEN_MODULES = new Set(['child_process', 'vm', 'cluster']);
const moduleName = (spec) => spec.replace(/^node:/, '');

/** `visitors` for the rule's `create`, sharing its checker and its idea of a network object. */
export function escapeVisitors({ checker, tsOf, report, networkish }) {
  const forbiddenModule = (node, spec) => {
    if (typeof spec === 'string' && FORBIDDEN_MODULES.has(moduleName(spec)))
      report(node, `module ${spec}`, 'it runs other programs or code the rule cannot see');
  };
  const isLiteralSpecifier = (n) => n.type === 'Literal' || (n.type === 'TemplateLiteral' && n.expressions.length === 0);
  const literalText = (n) => (n.type === 'Literal' ? n.value : n.quasis[0].value.cooked);

  /** Whether a Worker's options may make its first argument code (`eval: true`). */
  function evalProblem(optsNode) {
    if (!optsNode) return null;
    const type = checker.getTypeAtLocation(tsOf(optsNode));
    if (type.flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown)) return 'its options are of type any';
    const p = checker.getPropertyOfType(checker.getNonNullableType(type), 'eval');
    if (!p) return null;
    const t = checker.getTypeOfSymbolAtLocation(p, tsOf(optsNode));
    const parts = t.isUnion() ? t.types : [t];
    const harmless = parts.every(
      (x) => x.flags & (ts.TypeFlags.Undefined | ts.TypeFlags.BooleanLiteral) && checker.typeToString(x) !== 'true',
    );
    return harmless ? null : `eval of type ${checker.typeToString(t)}: its first argument would be code`;
  }

  const fromNodeModule = (node, file) => {
    const decl = checker.getResolvedSignature(tsOf(node))?.getDeclaration();
    return decl ? new RegExp(`@types/node/${file}\\.d\\.ts$`).test(decl.getSourceFile().fileName) : false;
  };

  return {
    ImportDeclaration(node) {
      forbiddenModule(node, node.source.value);
    },
    'ExportNamedDeclaration, ExportAllDeclaration'(node) {
      if (node.source) forbiddenModule(node, node.source.value);
    },
    ImportExpression(node) {
      if (!isLiteralSpecifier(node.source)) return report(node, 'import()', 'of a computed specifier');
      forbiddenModule(node, literalText(node.source));
    },
    CallExpression(node) {
      const callee = node.callee;
      if (callee.type === 'Identifier') {
        if (callee.name === 'require' && node.arguments[0]) {
          const a = node.arguments[0];
          if (!isLiteralSpecifier(a)) return report(node, 'require()', 'of a computed specifier');
          forbiddenModule(node, literalText(a));
        }
        if (callee.name === 'eval') return report(node, 'eval()', 'code from a string');
        if (callee.name === 'Function') return report(node, 'Function()', 'code from a string');
      }
      if (
        callee.type === 'MemberExpression' &&
        callee.object.type === 'Identifier' &&
        (callee.object.name === 'Reflect' || callee.object.name === 'Object') &&
        node.arguments.some((a) => networkish(checker.getTypeAtLocation(tsOf(a))))
      )
        report(node, `${callee.object.name}.${callee.property.name ?? '[…]'}()`, 'reflective access to a network object');
    },
    NewExpression(node) {
      if (node.callee.type === 'Identifier' && node.callee.name === 'Function') return report(node, 'new Function()', 'code from a string');
      if (fromNodeModule(node, 'worker_threads') && checker.typeToString(checker.getTypeAtLocation(tsOf(node))) === 'Worker') {
        const bad = evalProblem(node.arguments[1]);
        if (bad) report(node, 'new Worker()', bad);
      }
    },
  };
}
