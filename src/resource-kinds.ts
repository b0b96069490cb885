/** The resource kinds and the names the API derives from them. */
export const RESOURCE_KINDS = [
  { type: 'Deployment', singular: 'deployment', plural: 'deployments', collection: 'deployments', cli: 'deployment' },
  { type: 'Model', singular: 'model', plural: 'models', collection: 'models', cli: 'model' },
  { type: 'Dataset', singular: 'dataset', plural: 'datasets', collection: 'datasets', cli: 'dataset' },
  {
    type: 'FineTuningJob',
    singular: 'fineTuningJob',
    plural: 'fineTuningJobs',
    collection: 'fineTuningJobs',
    cli: 'fine-tuning-job',
  },
] as const;

export type ResourceKind = (typeof RESOURCE_KINDS)[number];
export type ResourceTypeName = ResourceKind['type'];
