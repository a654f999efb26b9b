import { registerEnumType } from 'type-graphql';

export enum SearchMode {
  KEYWORD = 'KEYWORD',
  SEMANTIC = 'SEMANTIC',
  HYBRID = 'HYBRID',
}
registerEnumType(SearchMode, {
  name: 'SearchMode',
  description:
    'KEYWORD: full-text index; SEMANTIC: embedding similarity; HYBRID: reciprocal rank fusion of both (docs/search.md).',
});
