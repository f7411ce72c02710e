import { Module } from '@nestjs/common';
import { AddPhoneNumberHandler } from './add-phone-number.handler.js';
import { ConnectAccountHandler } from './connect-account.handler.js';
import { DisconnectAccountHandler } from './disconnect-account.handler.js';
import { MarkBusinessVerifiedHandler } from './mark-business-verified.handler.js';
import { RemovePhoneNumberHandler } from './remove-phone-number.handler.js';

/** WhatsApp Business accounts and their phone numbers. The event store comes from the global StoresModule. */
@Module({
  providers: [
    ConnectAccountHandler,
    AddPhoneNumberHandler,
    RemovePhoneNumberHandler,
    MarkBusinessVerifiedHandler,
    DisconnectAccountHandler,
  ],
})
export class ChannelModule {}
