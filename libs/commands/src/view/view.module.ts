import { Module } from '@nestjs/common';
import { ChangeViewHandler } from './change-view.handler.js';
import { CreateViewHandler } from './create-view.handler.js';
import { DeleteViewHandler } from './delete-view.handler.js';

/** Custom views of conversations; the default views are constants (DEFAULT_VIEWS) and never stored. */
@Module({
  providers: [CreateViewHandler, ChangeViewHandler, DeleteViewHandler],
})
export class ViewModule {}
