import { Module } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@helpdesk/config';
import { AddPhoneNumberHandler } from './add-phone-number.handler.js';
import { ConnectAccountHandler } from './connect-account.handler.js';
import { DisconnectAccountHandler } from './disconnect-account.handler.js';
import { MarkBusinessVerifiedHandler } from './mark-business-verified.handler.js';
import { PHONE_NUMBER_OWNERSHIP, ownershipCheckFor } from './phone-number-ownership.js';
import { RemovePhoneNumberHandler } from './remove-phone-number.handler.js';

/**
 * WhatsApp Business accounts and their phone numbers. The event store comes from the global
 * StoresModule; who holds a number is asked of Meta as WHATSAPP_OWNERSHIP_CHECK says.
 */
@Module({
  providers: [
    {
      provide: PHONE_NUMBER_OWNERSHIP,
      inject: [{ token: APP_CONFIG, optional: true }],
      useFactory: (config?: AppConfig) => ownershipCheckFor(config),
    },
    ConnectAccountHandler,
    AddPhoneNumberHandler,
    RemovePhoneNumberHandler,
    MarkBusinessVerifiedHandler,
    DisconnectAccountHandler,
  ],
})
export class ChannelModule {}
