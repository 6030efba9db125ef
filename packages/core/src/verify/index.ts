/** Reachability assertions (`k8s-security verify`): the expectations file and its checker. Pure. */
export {
  EXPECTATIONS_API_VERSION,
  EXPECTATIONS_KIND,
  ExpectationsError,
  compileExpectations,
  type CompiledExpectation,
  type EndpointSelectorSpec,
  type ExpectationSpec,
  type ExpectationsDocument,
  type ExpectedReach,
  type LabelSelectorSpec,
} from './expectations-document.js';
export { checkExpectations, type CheckOptions, type CounterExample, type ExpectationResult, type ExpectationStatus, type ExpectationsReport } from './check-expectations.js';
export { describeExpectation, describeSelector } from './describe-expectation.js';
