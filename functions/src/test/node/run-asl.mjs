// Runs one execution of an Amazon States Language definition with the open-source interpreter
// aws-local-stepfunctions (npm, pinned in .ci/node/package.json) for the JVM tests of the
// large-model workflow (StateMachineHarness in functions/src/test/java).
//
//   node run-asl.mjs <config.json>
//
// config.json: {
//   "nodeModules":  ".ci/node (the folder whose node_modules holds the interpreter)",
//   "definition":   "path of the ASL file",
//   "substitutions": {"PlanFunctionArn": "arn:aws:lambda:...", ...}  (for ${...} placeholders)
//   "callback":     "http://127.0.0.1:port" (the test JVM),
//   "input":        {...} (the execution input),
//   "retryPauseMs": 0 (optional: every Retry pauses this long instead of its backoff)
// }
//
// Every Task state is sent to the JVM: POST {callback}/invoke {"state","resource","payload"},
// answered {"ok":true,"payload":...} or, like a Lambda function's unhandled error,
// {"ok":false,"error":{"errorType","errorMessage",...}}. The error is raised in the interpreter
// with errorType as its name and the error JSON as its cause, which is what Step Functions does
// with a failed Lambda invocation, so Retry and Catch match on the same names as in AWS.
//
// What the interpreter (3.0.0) does not implement, this script emulates, and says so:
// a Map state in DISTRIBUTED mode with an ItemReader (s3:getObject, JSONL) and an ItemBatcher.
// Such a state is replaced by a Task state of the same name and the same ResultPath, Catch and
// Next (so the interpreter still applies them), whose local handler
//   1. evaluates ItemReader.Parameters and ItemBatcher.BatchInput with the interpreter itself
//      (a Pass state run on the Map's input),
//   2. reads the object through the JVM (POST {callback}/s3/getObject {"Bucket","Key"}: the JVM
//      reads it from the local S3 server) and splits it into JSON Lines,
//   3. cuts batches by MaxItemsPerBatch and MaxInputBytesPerBatch,
//   4. runs the ItemProcessor as a child execution of the interpreter per batch (so its Retry
//      and Catch are interpreted), at most MaxConcurrency at a time,
//   5. fails with States.ExceedToleratedFailureThreshold when more than
//      ToleratedFailurePercentage of the items failed, as a Map Run does; reading failures are
//      States.ItemReaderFailed. No new batch starts once the threshold is exceeded; batches
//      already running finish.
// Any Map field the emulation does not know makes the run fail, never pass quietly.
//
// The result is one JSON line on stdout:
//   {"status":"SUCCEEDED","output":...,"events":[...]} or
//   {"status":"FAILED","error":"...","cause":"...","events":[...]}
// events: the interpreter's StateRetried / StateFailed / StateCaught events (name, error), and
// the emulation's MapRun events, for diagnostics. Exit code 0 when an execution ran (whatever its
// outcome), 1 when it could not be run.

import { createRequire } from 'node:module';
import fs from 'node:fs';
import path from 'node:path';

// aws-local-stepfunctions 3.0.0 needs Node >= 22 for Promise.withResolvers; CI runs Node 20.
if (typeof Promise.withResolvers !== 'function') {
  Promise.withResolvers = function withResolvers() {
    let resolve;
    let reject;
    const promise = new this((res, rej) => {
      resolve = res;
      reject = rej;
    });
    return { promise, resolve, reject };
  };
}

const DISTRIBUTED_MAP_KNOWN_FIELDS = new Set([
  'Type', 'Comment', 'ItemReader', 'ItemBatcher', 'ItemProcessor', 'MaxConcurrency',
  'ToleratedFailurePercentage', 'ResultPath', 'Catch', 'Next', 'End', 'Label',
]);
const EMULATED_RESOURCE = 'arn:aws:states:eu-west-1:111122223333:activity:emulated-distributed-map';
// A Task state times out after 60 s by default in the interpreter; a Map state does not.
const EMULATED_TIMEOUT_SECONDS = 3600;

class StatesError extends Error {
  constructor(name, message) {
    super(message);
    this.name = name;
  }
}

function fail(message) {
  process.stderr.write(`run-asl: ${message}\n`);
  process.exit(1);
}

async function main() {
  if (process.argv.length !== 3) {
    fail('usage: node run-asl.mjs <config.json>');
  }
  const config = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
  const require = createRequire(path.join(path.resolve(config.nodeModules), 'package.json'));
  const { StateMachine } = require('aws-local-stepfunctions');

  let text = fs.readFileSync(config.definition, 'utf8');
  text = text.replace(/\$\{([A-Za-z0-9_]+)\}/g, (whole, name) => {
    if (!(name in (config.substitutions ?? {}))) {
      fail(`no substitution given for \${${name}}`);
    }
    return config.substitutions[name];
  });
  const definition = JSON.parse(text);

  // The definition as written is validated by the interpreter's own validator (asl-validator),
  // Distributed Map fields included; the copy that runs has the emulated states swapped in.
  // (It adds defaults such as QueryLanguage to what it is given, hence the copy.)
  new StateMachine(structuredClone(definition));

  const events = [];
  const emulation = { StateMachine, config, events };
  const overrides = { taskResourceLocalHandlers: {}, retryIntervalOverrides: {} };
  emulation.overrides = overrides;
  const runnable = rewrite(definition, emulation, overrides);

  const execution = new StateMachine(runnable, { validationOptions: { noValidate: true } }).run(
    config.input,
    { overrides },
  );
  const logging = collectEvents(execution.eventLogs, events, '');
  let outcome;
  try {
    const output = await execution.result;
    outcome = { status: 'SUCCEEDED', output };
  } catch (e) {
    const error = e.cause instanceof Error ? e.cause : e;
    outcome = { status: 'FAILED', error: error.name, cause: error.message };
  }
  await logging;
  outcome.events = events;
  process.stdout.write(`${JSON.stringify(outcome)}\n`);
}

/** Swaps emulated states in and routes every Task to the JVM, recursively (Map processors). */
function rewrite(machine, emulation, overrides) {
  const copy = structuredClone(machine);
  for (const [name, state] of Object.entries(copy.States)) {
    if (state.Retry && emulation.config.retryPauseMs !== undefined) {
      overrides.retryIntervalOverrides[name] = emulation.config.retryPauseMs;
    }
    if (state.Type === 'Task') {
      overrides.taskResourceLocalHandlers[name] = (payload) =>
        invokeTask(emulation.config.callback, name, state.Resource, payload);
    } else if (state.Type === 'Map' && state.ItemReader) {
      copy.States[name] = emulatedDistributedMap(name, state, emulation);
    } else if (state.Type === 'Map' || state.Type === 'Parallel') {
      const processors = state.Type === 'Map' ? [state.ItemProcessor ?? state.Iterator] : state.Branches;
      processors.forEach((p, i) => {
        const inner = rewrite(p, emulation, overrides);
        if (state.Type === 'Map') {
          state[state.ItemProcessor ? 'ItemProcessor' : 'Iterator'] = inner;
        } else {
          state.Branches[i] = inner;
        }
      });
    }
  }
  return copy;
}

function emulatedDistributedMap(name, state, emulation) {
  if (state.QueryLanguage !== undefined && state.QueryLanguage !== 'JSONPath') {
    fail(`Map state ${name}: only JSONPath is emulated`);
  }
  for (const field of Object.keys(state)) {
    if (field !== 'QueryLanguage' && !DISTRIBUTED_MAP_KNOWN_FIELDS.has(field)) {
      fail(`Map state ${name}: field ${field} is not emulated`);
    }
  }
  const reader = state.ItemReader;
  if (reader.Resource !== 'arn:aws:states:::s3:getObject' || reader.ReaderConfig?.InputType !== 'JSONL') {
    fail(`Map state ${name}: only an s3:getObject JSONL ItemReader is emulated`);
  }
  for (const catcher of state.Catch ?? []) {
    if (catcher.ErrorEquals.includes('States.TaskFailed')) {
      // It would match the stand-in Task state but never a real Map state.
      fail(`Map state ${name}: a Catch on States.TaskFailed cannot be emulated faithfully`);
    }
  }
  const processor = structuredClone(state.ItemProcessor);
  delete processor.ProcessorConfig;
  const child = rewrite(processor, emulation, emulation.overrides);
  emulation.overrides.taskResourceLocalHandlers[name] = (input) =>
    runDistributedMap(name, state, child, input, emulation);

  const stand = {
    Type: 'Task',
    Resource: EMULATED_RESOURCE,
    TimeoutSeconds: EMULATED_TIMEOUT_SECONDS,
  };
  for (const field of ['Comment', 'ResultPath', 'Catch', 'Next', 'End']) {
    if (field in state) {
      stand[field] = state[field];
    }
  }
  return stand;
}

/** Evaluates a payload template (Parameters-style, with .$ paths) with the interpreter. */
async function template(StateMachine, parameters, input) {
  if (parameters === undefined) {
    return undefined;
  }
  const pass = new StateMachine(
    { StartAt: 'T', States: { T: { Type: 'Pass', Parameters: parameters, End: true } } },
    { validationOptions: { noValidate: true } },
  );
  return pass.run(input).result;
}

async function runDistributedMap(name, state, processor, input, emulation) {
  const { StateMachine, config, events } = emulation;
  let items;
  try {
    const params = await template(StateMachine, state.ItemReader.Parameters, input);
    const body = await getObject(config.callback, params);
    items = body
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => JSON.parse(line));
  } catch (e) {
    throw new StatesError('States.ItemReaderFailed', `Map state ${name} could not read its items: ${e.message}`);
  }

  let batches = items.map((item) => item);
  if (state.ItemBatcher) {
    const batchInput = await template(StateMachine, state.ItemBatcher.BatchInput, input);
    batches = batch(items, batchInput, state.ItemBatcher, name);
  }
  const itemsOf = (b) => (state.ItemBatcher ? b.Items.length : 1);
  events.push({ type: 'MapRunStarted', state: name, items: items.length, batches: batches.length });

  const tolerated = ((state.ToleratedFailurePercentage ?? 0) / 100) * items.length;
  const limit = state.MaxConcurrency > 0 ? state.MaxConcurrency : 10000;
  const results = new Array(batches.length);
  let failedItems = 0;
  let next = 0;
  let exceeded = false;
  const worker = async () => {
    while (!exceeded && next < batches.length) {
      const index = next++;
      const execution = new StateMachine(processor, { validationOptions: { noValidate: true } }).run(
        batches[index],
        { overrides: emulation.overrides },
      );
      const logging = collectEvents(execution.eventLogs, events, `${name}[${index}]/`);
      try {
        results[index] = await execution.result;
      } catch (e) {
        const error = e.cause instanceof Error ? e.cause : e;
        events.push({ type: 'MapIterationFailed', state: name, index, error: error.name, cause: error.message });
        failedItems += itemsOf(batches[index]);
        if (failedItems > tolerated) {
          exceeded = true;
        }
      }
      await logging;
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, batches.length) }, worker));
  if (exceeded) {
    events.push({ type: 'MapRunFailed', state: name, failedItems });
    throw new StatesError(
      'States.ExceedToleratedFailureThreshold',
      'The specified tolerated failure threshold was exceeded',
    );
  }
  events.push({ type: 'MapRunSucceeded', state: name });
  return results;
}

/** Cuts items into {BatchInput, Items} batches the way the ItemBatcher's two limits allow. */
function batch(items, batchInput, batcher, name) {
  const maxItems = batcher.MaxItemsPerBatch ?? Number.MAX_SAFE_INTEGER;
  const maxBytes = batcher.MaxInputBytesPerBatch ?? 256 * 1024;
  const size = (b) => Buffer.byteLength(JSON.stringify(b), 'utf8');
  const out = [];
  let current = null;
  for (const item of items) {
    if (current && current.Items.length < maxItems) {
      current.Items.push(item);
      if (size(current) <= maxBytes) {
        continue;
      }
      current.Items.pop();
    }
    current = batchInput === undefined ? { Items: [item] } : { BatchInput: batchInput, Items: [item] };
    if (size(current) > maxBytes) {
      throw new StatesError(
        'States.Runtime',
        `Map state ${name}: one item is larger than MaxInputBytesPerBatch (${maxBytes})`,
      );
    }
    out.push(current);
  }
  return out;
}

async function post(callback, route, body) {
  const response = await fetch(`${callback}${route}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) {
    throw new Error(`${route} answered HTTP ${response.status}: ${text}`);
  }
  return text;
}

async function invokeTask(callback, state, resource, payload) {
  let answer;
  try {
    answer = JSON.parse(await post(callback, '/invoke', { state, resource, payload }));
  } catch (e) {
    // The service could not run the function at all: what Lambda reports as its own failure.
    throw new StatesError('Lambda.ServiceException', e.message);
  }
  if (answer.ok) {
    return answer.payload;
  }
  throw new StatesError(answer.error.errorType, JSON.stringify(answer.error));
}

async function getObject(callback, params) {
  return post(callback, '/s3/getObject', params);
}

async function collectEvents(logs, events, prefix) {
  for await (const event of logs) {
    if (['StateRetried', 'StateFailed', 'StateCaught'].includes(event.type)) {
      const entry = { type: event.type, state: prefix + event.state.name };
      if (event.Error !== undefined) {
        entry.error = event.Error;
      }
      if (event.retry !== undefined) {
        entry.attempt = event.retry.attempt;
        entry.retrier = event.retry.retrier.ErrorEquals;
      }
      events.push(entry);
    }
  }
}

main().catch((e) => fail(e.stack ?? String(e)));
