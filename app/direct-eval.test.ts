import { describe, expect, it } from 'vitest';
import { findDirectEval } from './direct-eval.ts';

describe('findDirectEval', () => {
  it.each([
    ['a string', `var DANGEROUS = ['rm -rf', 'eval(', "eval (x)"];`],
    ['a comment', `// never call eval(x)\n/* eval(y) */ var a = 1;`],
    ['template text', 'var t = `eval(${1 + 2}) and eval(`;'],
    ['a regular expression', `var r = /eval\\(/g; var s = x.replace(/eval\\(/, '');`],
    ['a method named eval', `obj.eval(1); obj?.eval(2);`],
    ['a name that contains eval', `evaluate(1); my_eval(2);`],
    ['an indirect eval', `(0, eval)('1');`],
    ['a division after a value', `var a = b / 2; var c = (d) / eval_count;`],
  ])('lets %s through', (_what, source) => {
    expect(findDirectEval(source)).toBeNull();
  });

  it.each([
    ['a plain call', `eval('1')`, 1],
    ['a call after a comment', `// hi\n\n eval /* why */ ("x")`, 3],
    ['a call inside a template expression', 'var t = `${eval("1")}`;', 1],
    ['a call after a regex', `var r = /x/g;\nreturn eval(r)`, 2],
    ['a call after a string with an escaped quote', `var s = 'it\\'s';\neval(s)`, 2],
  ])('finds %s', (_what, source, line) => {
    expect(findDirectEval(source)).toBe(line);
  });
});
