import { existsSync } from 'node:fs';
import type { CodegenConfig } from '@graphql-codegen/cli';

// The schema is the server's SDL; a change there that breaks an operation
// breaks `npm run build`. pending-contract.graphql holds only what the server
// does not define yet (see schema-pending/README.md).
const pending = 'src/gql/pending-contract.graphql';

const config: CodegenConfig = {
  schema: ['../schema/*.graphql', ...(existsSync(pending) ? [pending] : [])],
  documents: ['src/operations/*.graphql'],
  ignoreNoDocuments: false,
  generates: {
    'src/gql/graphql.ts': {
      plugins: ['typescript-operations', 'typed-document-node'],
      config: {
        documentMode: 'string',
        useTypeImports: true,
        enumsAsTypes: true,
        strictScalars: true,
        scalars: { DateTime: 'string', Date: 'string', ID: 'string' },
        avoidOptionals: { field: true, inputValue: false, object: true, defaultValue: false },
        skipTypename: true,
        nonOptionalTypename: false,
      },
    },
  },
};

export default config;
