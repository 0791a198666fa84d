import {
  description,
  homepage,
  name,
  repository,
  version,
} from '../../package.json';

/**
 * The package.json fields the app's plugin info reads (package name,
 * version, description, and the homepage and repository links). Only these
 * are embedded in the build: the whole file, as it is before packing, would
 * also carry the workspace dependency ranges and source entry points.
 */
export const packageInfo = { name, version, description, homepage, repository };
