package io.sentrascan.scanner.format.xgboost;

import io.sentrascan.scanner.Location;
import io.sentrascan.scanner.ScanContext;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What XGBoost models are checked against (the objectives XGBoost ships, names that read as Python)
 * and the finding cap; the models themselves, JSON or UBJSON, are walked by {@link
 * JsonModelStream}.
 */
final class ModelChecker {
  static final int MAX_FINDINGS = 50;

  /** Objectives XGBoost 0.x to 2.x ships (including the old gpu: aliases). */
  private static final Set<String> OBJECTIVES =
      Set.of(
          "reg:squarederror",
          "reg:squaredlogerror",
          "reg:logistic",
          "reg:pseudohubererror",
          "reg:absoluteerror",
          "reg:quantileerror",
          "reg:linear",
          "reg:gamma",
          "reg:tweedie",
          "reg:expectileerror",
          "binary:logistic",
          "binary:logitraw",
          "binary:hinge",
          "count:poisson",
          "survival:cox",
          "survival:aft",
          "multi:softmax",
          "multi:softprob",
          "rank:pairwise",
          "rank:ndcg",
          "rank:map",
          "gpu:reg:linear",
          "gpu:reg:logistic",
          "gpu:binary:logistic",
          "gpu:binary:logitraw",
          "gpu:reg:squarederror");

  /** A name that reads as Python: a dotted path, a call, a lambda, a repr of a function. */
  static final Pattern PYTHON =
      Pattern.compile(
          "(?i)(lambda|__\\w+__|<function|<bound method|\\(|\\)|\\bimport\\b|\\bos\\.|subprocess|eval|exec)"
              + "|^[a-z_][\\w]*(\\.[a-z_][\\w]*)+$");

  private ModelChecker() {}

  static void checkObjective(ScanContext context, String objective, Location at) {
    if (OBJECTIVES.contains(objective)) {
      return;
    }
    if (PYTHON.matcher(objective).find()) {
      context.report(
          "XGB-002",
          at,
          "The objective " + objective + " reads as Python code, not an XGBoost objective.",
          objective);
    } else {
      context.report(
          "XGB-001", at, "The objective " + objective + " is not one XGBoost ships.", objective);
    }
  }
}
