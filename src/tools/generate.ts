import 'reflect-metadata';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { withMatrixTable } from '../authz/matrix-table';
import { printSdl } from '../graphql/schema';

/** Regenerates what is derived from the code and the role matrix: schema/schema.graphql and the README table. */
const root = join(__dirname, '..', '..', '..');
writeFileSync(join(root, 'schema', 'schema.graphql'), printSdl());
const readme = join(root, 'README.md');
writeFileSync(readme, withMatrixTable(readFileSync(readme, 'utf8')));
process.stdout.write('wrote schema/schema.graphql and the README role-matrix table\n');
