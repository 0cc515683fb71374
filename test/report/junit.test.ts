import { describe, it, expect } from 'vitest';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { renderJunitReport } from '../../lib/report/junit.js';
import { stripIllegalXml, xmlAttr, xmlText } from '../../lib/report/xml.js';
import { sampleReport, SAMPLE_RESULTS, XSS_INPUT } from './sample-report.js';

type Node = Record<string, unknown>;
const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '',
  textNodeName: '#text',
  parseAttributeValue: false,
  isArray: (name) => ['testsuite', 'testcase', 'property'].includes(name),
});

function parse(xml: string): { suites: Node; suite: Node; cases: Node[] } {
  expect(XMLValidator.validate(xml)).toBe(true);
  const doc = parser.parse(xml) as { testsuites: Node };
  const suite = (doc.testsuites.testsuite as Node[])[0] as Node;
  return { suites: doc.testsuites, suite, cases: suite.testcase as Node[] };
}

describe('renderJunitReport', () => {
  const xml = renderJunitReport(sampleReport(), { listName: 'images.txt' });
  const { suites, suite, cases } = parse(xml);

  it('is one testsuites > testsuite > testcase per line, with consistent counts', () => {
    expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<testsuites')).toBe(true);
    expect(suite.name).toBe('images.txt');
    expect(cases).toHaveLength(SAMPLE_RESULTS.length);
    const count = (tag: string) => cases.filter((c) => tag in c).length;
    for (const node of [suites, suite]) {
      expect(Number(node.tests)).toBe(cases.length);
      expect(Number(node.failures)).toBe(count('failure'));
      expect(Number(node.errors)).toBe(count('error'));
      expect(Number(node.skipped)).toBe(count('skipped'));
      expect(node.time).toBe('65.500');
    }
    expect(suite.timestamp).toBe('2024-05-01T10:00:00');
    expect([count('failure'), count('error'), count('skipped')]).toEqual([4, 3, 1]);
  });

  it('names each case by line and input, classname by list', () => {
    expect(cases.map((c) => c.classname)).toEqual(Array(cases.length).fill('mirror-validate.images_txt'));
    expect(cases[0]?.name).toBe('line 1: docker.io/library/nginx:1.25');
    expect(cases[0]?.time).toBe('0.120');
    expect(Object.keys(cases[0] ?? {}).sort()).toEqual(['classname', 'name', 'time']);
  });

  it.each([
    [1, 'failure', 'DIGEST_MISMATCH', 'srcSpec and dstSpec differ'],
    [4, 'error', 'AUTH', 'authentication required & "denied"'],
    [5, 'skipped', 'NO_MATCHING_PLATFORM', 'no image available for specified arch & OS list'],
    [6, 'error', 'INVALID_FORMAT', 'expected "SOURCE DESTINATION TAG" or one image reference <b>'],
  ])('case %i carries <%s type=%s> with the message', (i, tag, type, message) => {
    const el = cases[i]?.[tag] as Node;
    expect(el.type).toBe(type);
    expect(el.message).toBe(message);
  });

  it('puts source, destination, specs and the FAQ in the failure body', () => {
    const body = String((cases[1]?.failure as Node)['#text']);
    expect(body).toContain('destination: mirror.local/library/redis:7');
    expect(body).toContain(`dstSpec: [{"digest":"sha256:${'b'.repeat(64)}"`);
    expect(body).toContain('cause: the upstream image was updated after the mirror ran');
  });

  it('escapes markup and strips characters illegal in XML 1.0', () => {
    expect(cases[6]?.name).toBe(`line 7: ${XSS_INPUT}`);
    expect(cases[7]?.name).toBe('line 8: badctl');
    expect((cases[7]?.error as Node).message).toBe('control  char');
    expect(xml).not.toContain('<script>');
  });

  it('keeps the run facts as properties', () => {
    const props = ((suite.properties as Node).property as Node[]).map((p) => [p.name, p.value]);
    expect(props).toContainEqual(['runId', 'run-sample']);
    expect(props).toContainEqual(['dockerHubRateLimitRemaining', '97']);
  });

  it('is valid for an empty list', () => {
    const empty = parse(renderJunitReport(sampleReport([]), { listName: 'empty' }));
    expect(empty.suite.tests).toBe('0');
    expect(empty.suite.testcase).toBeUndefined();
  });
});

describe('xml escaping', () => {
  it.each([
    ['a & b < c > d', 'a &amp; b &lt; c &gt; d', 'a &amp; b &lt; c &gt; d'],
    ['"q" \'s\'', '"q" \'s\'', '&quot;q&quot; &apos;s&apos;'],
    ['tab\tnl\ncr\r', 'tab\tnl\ncr\r', 'tab&#9;nl&#10;cr&#13;'],
    ['\u0000\u0008\u000b\u001f\uFFFE\uFFFF\uD800x', 'x', 'x'],
    ['emoji \u{1F600} ok', 'emoji \u{1F600} ok', 'emoji \u{1F600} ok'],
  ])('%j', (input, text, attr) => {
    expect(xmlText(input)).toBe(text);
    expect(xmlAttr(input)).toBe(attr);
  });

  it('keeps every legal character', () => {
    const legal = 'A\u00e9\u4e2d\uE000\uFFFD\u{10FFFF}';
    expect(stripIllegalXml(legal)).toBe(legal);
  });
});
