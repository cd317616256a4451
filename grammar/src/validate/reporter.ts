// The reporter lives with the model (linking reports through it too, and the model
// sits below validation); the checks keep importing it from their own folder.
export { BranchReporter, defaultOrigin, Reporter, sourceOrigin, type BranchSite, type ReportOptions } from '../model/reporter.js';
