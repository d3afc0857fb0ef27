// The vector store's bus handlers: documents (ingest, get, delete), search, collections. The
// caller's token (for this service) travels on to the gateway, exchanged, for the embeddings.
import { Controller } from '@nestjs/common';
import {
  VECTOR_STORE_OPERATIONS,
  type CallContext,
  type Caller,
  type CollectionList,
  type DocumentAccepted,
  type DocumentRef,
  type DocumentState,
  type IngestDocumentRequest,
  type SearchReply,
  type SearchRequest,
} from '@gardien/contracts';
import { CurrentCallContext, CurrentCaller, Handles, RequestPayload } from '@gardien/platform';
import { CollectionCatalogue } from '../collections/collection-catalogue.js';
import { SearchService } from '../search/search.service.js';
import { DocumentsService, tenantOf } from './documents.service.js';

@Controller()
export class DocumentsMessageController {
  constructor(
    private readonly documents: DocumentsService,
    private readonly searches: SearchService,
    private readonly catalogue: CollectionCatalogue,
  ) {}

  @Handles(VECTOR_STORE_OPERATIONS.ingestDocument)
  ingest(@RequestPayload() request: IngestDocumentRequest, @CurrentCaller() caller: Caller, @CurrentCallContext() context: CallContext): Promise<DocumentAccepted> {
    return this.documents.ingest(caller, context.token, request);
  }

  @Handles(VECTOR_STORE_OPERATIONS.getDocument)
  get(@RequestPayload() ref: DocumentRef, @CurrentCaller() caller: Caller): Promise<DocumentState> {
    return this.documents.get(caller, ref);
  }

  @Handles(VECTOR_STORE_OPERATIONS.deleteDocument)
  delete(@RequestPayload() ref: DocumentRef, @CurrentCaller() caller: Caller): Promise<Record<string, never>> {
    return this.documents.delete(caller, ref);
  }

  @Handles(VECTOR_STORE_OPERATIONS.search)
  search(@RequestPayload() request: SearchRequest, @CurrentCaller() caller: Caller, @CurrentCallContext() context: CallContext): Promise<SearchReply> {
    return this.searches.search(caller, context.token, request);
  }

  @Handles(VECTOR_STORE_OPERATIONS.listCollections)
  collections(@CurrentCaller() caller: Caller): CollectionList {
    tenantOf(caller);
    return { collections: this.catalogue.describe() };
  }
}
