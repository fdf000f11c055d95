package io.sentrascan.scanner.template;

import io.sentrascan.scanner.Severity;

/**
 * One problem found in a template, before it is tied to a file.
 *
 * @param ruleId a {@code TPL-} rule id
 * @param severity the severity chosen for this occurrence
 * @param line 1-based line in the template (0 when the whole template is concerned)
 * @param column 1-based column (0 when unknown)
 * @param description what was seen
 * @param evidence the chain or text that proves it
 */
public record TemplateIssue(
    String ruleId, Severity severity, int line, int column, String description, String evidence) {}
