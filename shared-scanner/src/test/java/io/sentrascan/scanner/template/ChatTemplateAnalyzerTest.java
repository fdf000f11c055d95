package io.sentrascan.scanner.template;

import static org.assertj.core.api.Assertions.assertThat;

import io.sentrascan.scanner.Severity;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ChatTemplateAnalyzerTest {
  private static List<TemplateIssue> inspect(String template) {
    return ChatTemplateAnalyzer.defaults().inspect(template);
  }

  private static TemplateIssue only(List<TemplateIssue> issues, String rule) {
    List<TemplateIssue> found = issues.stream().filter(i -> i.ruleId().equals(rule)).toList();
    assertThat(found).as(issues.toString()).hasSize(1);
    return found.get(0);
  }

  @Test
  void plainGadgetChainIsCriticalWithTheChainAsEvidence() {
    TemplateIssue issue =
        only(inspect("Hi\n{{ cycler.__init__.__globals__.os.popen('id').read() }}"), "TPL-001");
    assertThat(issue.severity()).isEqualTo(Severity.CRITICAL);
    assertThat(issue.line()).isEqualTo(2);
    assertThat(issue.column()).isEqualTo(4);
    assertThat(issue.evidence()).isEqualTo("cycler.__init__.__globals__.os.popen().read()");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{{ lipsum|attr('__glo' ~ 'bals__') }}",
        "{{ lipsum|attr('__glo' + 'bals__') }}",
        "{{ lipsum|attr(('__glo', 'bals__')|join) }}",
        "{{ lipsum|attr(['_', '_glob', 'als', '__']|join('')) }}",
        "{{ lipsum|attr('%c%cglobals%c%c'|format(95, 95, 95, 95)) }}",
        "{{ lipsum|attr('%sglobals%s'|format('__', '__')) }}",
        "{{ lipsum|attr('__slabolg__'|reverse) }}",
        "{{ lipsum|attr('__slabolg__'[::-1]) }}",
        "{{ lipsum|attr('__GLOBALS__'|lower) }}",
        "{{ lipsum|attr('__GLOBALS__'.lower()) }}",
        "{{ lipsum|attr('xxglobalsxx'|replace('x', '_')) }}",
        "{{ lipsum|attr('\\x5f\\x5fglobals\\x5f\\x5f') }}",
        "{{ lipsum|attr('\\u005f\\u005fglobals\\u005f\\u005f') }}",
        "{{ lipsum|attr('\\U0000005f\\U0000005fglobals__') }}",
        "{{ lipsum|attr('\\137\\137globals\\137\\137') }}",
        "{{ lipsum|attr('_' * 2 ~ 'globals' ~ '_' * 2) }}",
        "{{ lipsum|attr(dict(__glob=1, als__=2)|join) }}",
        "{{ lipsum['__globals__'] }}",
        "{{ lipsum.__getitem__('__globals__') }}",
        "{% set g = '__glo' ~ 'bals__' %}{{ lipsum|attr(g) }}",
        "{% set g %}__globals__{% endset %}{{ lipsum|attr(g) }}",
        "{{ ''.__class__.__mro__[1].__subclasses__() }}",
        "{{ request|attr('application')|attr('\\x5f\\x5fglobals\\x5f\\x5f') }}",
        "{{ self._TemplateReference__context.joiner.__init__.__globals__ }}",
        "{{ namespace.__init__.__builtins__['eval']('1') }}",
        "{{ x.__class__.__base__.__subclasses__()[40]('/etc/passwd').read() }}",
        "{{ config.__class__.__init__.__globals__['os'].popen('id') }}",
        "{%- if true -%}{{- cycler.__init__.__globals__ -}}{%- endif -%}",
        "{{ messages|map(attribute='__class__.__init__.__globals__')|list }}",
        "{{ [lipsum]|map('attr', '__globals__')|first }}",
        "{{ x|selectattr('__globals__') }}",
        "{{ lipsum|attr('{0}{0}globals{0}{0}'.format('_')) }}",
        "{{ lipsum|attr('{}{}globals{}{}'.format('_', '_', '_', '_')) }}",
        "{{ lipsum|attr('%sglobals%s' % ('__', '__')) }}",
        "{% with g = '__glo' ~ 'bals__' %}{{ lipsum|attr(g) }}{% endwith %}",
        "{% set ns = namespace() %}{% set ns.g = '__glo' ~ 'bals__' %}{{ lipsum|attr(ns.g) }}",
      })
  void obfuscatedChainsToGlobalsAreCritical(String template) {
    List<TemplateIssue> issues = inspect(template);
    assertThat(issues)
        .as(issues.toString())
        .anyMatch(i -> i.ruleId().equals("TPL-001") && i.severity() == Severity.CRITICAL);
  }

  @Test
  void dunderAccessWithoutGlobalsIsHigh() {
    TemplateIssue issue = only(inspect("{{ messages.__class__.__name__ }}"), "TPL-002");
    assertThat(issue.severity()).isEqualTo(Severity.HIGH);
    assertThat(issue.evidence()).isEqualTo("messages.__class__.__name__");
    assertThat(inspect("{{ messages.__class__ }}")).noneMatch(i -> i.ruleId().equals("TPL-001"));
  }

  @Test
  void unprovenConstructsAreMedium() {
    assertThat(only(inspect("{{ message|attr(name) }}"), "TPL-003").description())
        .contains("computed at render time");
    assertThat(only(inspect("{{ message|attr('content') }}"), "TPL-003").description())
        .contains("attr filter");
    assertThat(only(inspect("{% include 'other.jinja' %}"), "TPL-003").description())
        .contains("include");
    assertThat(only(inspect("{{ cycler.next() }}"), "TPL-003").description())
        .contains("gadget root");
    assertThat(only(inspect("{{ os.popen('id') }}"), "TPL-003").severity())
        .isEqualTo(Severity.MEDIUM);
    assertThat(only(inspect("{{ '\\x68\\x69' }}"), "TPL-003").evidence())
        .isEqualTo("decodes to 'hi'");
  }

  @Test
  void renderTimeExhaustionIsMedium() {
    assertThat(only(inspect("{% for i in range(10**9) %}x{% endfor %}"), "TPL-003").evidence())
        .isEqualTo("range(1000000000)");
    assertThat(only(inspect("{{ 'A' * 9999999999999999 }}"), "TPL-003").description())
        .contains("exhausting memory");
    assertThat(only(inspect("{{ 'ab' * 4611686018427387904 }}"), "TPL-003").severity())
        .isEqualTo(Severity.MEDIUM);
    assertThat(inspect("{{ 2 ** 4000 }}{% for i in range(3) %}{% endfor %}{{ '-' * 20 }}"))
        .isEmpty();
  }

  @Test
  void pythonSnippetsInSystemPromptsAreNotNames() {
    assertThat(inspect("{{ 'Run it under if __name__ == \"__main__\": main()' }}")).isEmpty();
    assertThat(only(inspect("{{ '__name__' }}"), "TPL-003").evidence()).isEqualTo("__name__");
  }

  @Test
  void ordinaryTemplateIdiomsAreClean() {
    String template =
        "{%- set ns = namespace(found=false, sys='') %}{% set ns.found = true %}"
            + "{% for message in messages %}{% if message['role'] == 'system' %}"
            + "{{ message.content|trim }}{% elif loop.index0 % 2 == 0 %}{{ '\\n' ~ message['content'] }}"
            + "{% endif %}{{ messages[loop.index0 - 1].role }}{{ tools|tojson(indent=4) }}"
            + "{{ message.tool_calls[0].function.arguments|items|list }}{% endfor %}"
            + "{{ raise_exception('Roles must alternate user/assistant') }}"
            + "{{ '{% not a tag %}' }}{# a comment with {{ cycler.__init__ }} #}"
            + "{% raw %}{{ cycler.__init__.__globals__ }}{% endraw %}"
            + "{{ tools|map(attribute='function')|map(attribute='name')|join(', ') }}"
            + "{{ messages|selectattr('role', 'equalto', 'system')|list|length }}"
            + "{{ '%s: %s' % (message.role, message.content) }}{{ '{0}'.format(x) }}"
            + "{% with a = 'x' %}{{ a }}{% endwith %}";
    assertThat(inspect(template)).isEmpty();
  }

  @Test
  void brokenTemplatesAreReportedAndTheReadablePartStillAnalysed() {
    List<TemplateIssue> issues = inspect("{{ messages.__class__ }}\n{{ message['content'] ");
    assertThat(only(issues, "TPL-004").line()).isEqualTo(2);
    assertThat(only(issues, "TPL-002").line()).isEqualTo(1);
    assertThat(only(inspect("{{ 'open string }}"), "TPL-004").description()).contains("string");
    assertThat(only(inspect("text {# open comment"), "TPL-004").description()).contains("comment");
    assertThat(only(inspect("{% raw %} never closed"), "TPL-004").description()).contains("raw");
  }

  @Test
  void hostileShapesStayWithinLimits() {
    String deep = "{{ " + "(".repeat(5000) + "1" + ")".repeat(5000) + " }}";
    assertThat(only(inspect(deep), "TPL-004").description()).contains("levels deep");
    String huge = "a".repeat(ChatTemplateAnalyzer.MAX_TEMPLATE_CHARS + 10);
    assertThat(only(inspect(huge), "TPL-004").description()).contains("only the first");
    String many = "{{ x.__class__ }}\n".repeat(5000);
    assertThat(inspect(many)).hasSizeLessThanOrEqualTo(100);
    String bigRepeat = "{{ lipsum|attr('_' * 100000000) }}";
    assertThat(inspect(bigRepeat)).noneMatch(i -> i.ruleId().equals("TPL-001"));
  }

  @Test
  void randomInputNeverThrows() {
    Random random = new Random(42);
    String alphabet = "{}%#'\"\\|.[]()~+-*_ax0\n=:,";
    for (int n = 0; n < 3000; n++) {
      StringBuilder sb = new StringBuilder();
      int len = random.nextInt(80);
      for (int i = 0; i < len; i++) {
        sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
      }
      assertThat(inspect(sb.toString())).isNotNull();
    }
  }
}
