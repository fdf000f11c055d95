/** The query API: one Lambda behind an API Gateway REST API proxy integration. */
@NullMarked
package io.sentrascan.functions.api;

import org.jspecify.annotations.NullMarked;
