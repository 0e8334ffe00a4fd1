/** The folder inside an output folder that holds the GitOps objects (never applied with it). */
export const GITOPS_DIR = 'gitops';
